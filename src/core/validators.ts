/** Answer validators: each returns the cleaned value or a reason the answer was refused. */
import { normalizeText } from './text';

export type Validation<T> = { ok: true; value: T } | { ok: false; reason: 'invalid' | 'out_of_range' };

const ok = <T>(value: T): Validation<T> => ({ ok: true, value });
const invalid: Validation<never> = { ok: false, reason: 'invalid' };

const NAME_LEADS = [
  /^(?:hi|hey|hello|hola|yo)[,!.\s]+/iu,
  /^(?:my name is|my name's|name is|name:|names|name's|it's|its|it is|this is|i am|i'm|im|call me|me llamo|soy|mi nombre es)\s+/iu,
];

/** What is left when someone sends only the lead-in ("Hi, I'm"). */
const NOT_NAMES = new Set(['im', 'i am', 'its', 'it is', 'this is', 'my name is', 'hi', 'hey', 'hello', 'hola', 'name', 'soy', 'me llamo']);

function tidySpaces(s: string): string {
  return s.replace(/\s+/gu, ' ').trim();
}

/** First name: 1-50 letters of any script, with hyphen, apostrophe or space, at most 3 words. "Hi, I'm Ana" -> "Ana". */
export function validateName(input: string): Validation<string> {
  let s = tidySpaces(input);
  for (let i = 0; i < 3; i++) {
    const before = s;
    for (const lead of NAME_LEADS) s = s.replace(lead, '');
    s = s.trim();
    if (s === before) break;
  }
  s = s.replace(/[.!,;:)\s]+$/u, '').replace(/^[("\s]+/u, '').replace(/["]+$/u, '');
  s = s.replace(/’/g, "'");
  if (s.length < 1 || s.length > 50) return invalid;
  if (NOT_NAMES.has(normalizeText(s))) return invalid;
  if (!/^[\p{L}\p{M}][\p{L}\p{M}' -]*$/u.test(s)) return invalid;
  if (/[-' ]{2,}/u.test(s)) return invalid;
  // A first name is at most three words ("Mary Ann", "De la Cruz"); a sentence is not a name.
  if (s.split(' ').length > 3) return invalid;
  return ok(s);
}

/** US ZIP: five digits or ZIP+4 ("60601", "60601-1234", "60601 1234"). */
export function validateZip(input: string): Validation<string> {
  const m = /^(\d{5})(?:[-\s]?(\d{4}))?$/u.exec(input.trim().replace(/^zip:?\s*/iu, ''));
  if (!m) return invalid;
  return ok(m[2] ? `${m[1]}-${m[2]}` : m[1]!);
}

/** Email: one @, a dotted domain, no spaces; domain lower-cased. */
export function validateEmail(input: string): Validation<string> {
  const s = input.trim().replace(/[.,;]+$/u, '');
  if (s.length > 254) return invalid;
  const m = /^([^\s@<>()[\]\\,;:"]+)@([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,})$/iu.exec(s);
  if (!m || m[1]!.length > 64 || m[1]!.startsWith('.') || m[1]!.endsWith('.') || m[1]!.includes('..')) return invalid;
  return ok(`${m[1]}@${m[2]!.toLowerCase()}`);
}

const MONEY =
  /^(?:i\s*(?:will|ll|can)\s*(?:give|do|pledge)\s*|(?:puedo\s*(?:dar|donar)|doy|dono)\s*)?\$?\s*(\d{1,3}(?:,\d{3})+|\d{1,7})(?:\.(\d{1,2}))?\s*(?:\$|dollars?|bucks|usd|d[oó]lar(?:es)?)?\s*(?:(?:\/|a|per|each|every)\s*(?:mo|mth|month)\.?|monthly|a\s*mo\.?|(?:al|por|cada)\s*mes|mensual(?:es|mente)?|x\s*mes)?$/iu;

/**
 * Money: "10", "$10", "10.50", "$25/mo", "$1,000", "25 a month", and in Spanish "10 al mes",
 * "$10 mensual", "10 dólares por mes" -> integer cents within [min, max].
 */
export function validateMoney(input: string, minCents: number, maxCents: number): Validation<number> {
  const m = MONEY.exec(input.trim().replace(/['’]/gu, ''));
  if (!m) return invalid;
  const dollars = Number(m[1]!.replace(/,/g, ''));
  const cents = dollars * 100 + (m[2] ? Number(m[2].padEnd(2, '0')) : 0);
  if (!Number.isSafeInteger(cents)) return invalid;
  if (cents < minCents || cents > maxCents) return { ok: false, reason: 'out_of_range' };
  return ok(cents);
}

const YES = new Set([
  'yes', 'y', 'yeah', 'yea', 'yep', 'yup', 'sure', 'ok', 'okay', 'absolutely', 'of course', 'definitely', 'count me in', 'im in',
  // Spanish (accents are dropped before the lookup: "sí" is "si").
  'si', 'claro', 'claro que si', 'si claro', 'por supuesto', 'dale', 'va', 'de acuerdo', 'cuenta conmigo', 'si puedo', 'con gusto',
]);
const NO = new Set([
  'no', 'n', 'nope', 'nah', 'no thanks', 'not now', 'no thank you',
  'no gracias', 'ahora no', 'no puedo', 'nel', 'para nada',
]);

/** Yes/no: common English and Spanish forms (sí, si, claro, no, no gracias), whatever the campaign's languages. */
export function validateYesNo(input: string): Validation<boolean> {
  const n = normalizeText(input);
  if (YES.has(n)) return ok(true);
  if (NO.has(n)) return ok(false);
  return invalid;
}

export interface ChoiceOption {
  value: string;
  label?: string | undefined;
  aliases?: string[] | undefined;
}

/** Choice: by number ("2"), value, label or alias, case- and punctuation-insensitive. */
export function validateChoice(input: string, options: ChoiceOption[]): Validation<string> {
  const n = normalizeText(input);
  const index = /^\d+$/u.test(n) ? Number(n) - 1 : -1;
  if (index >= 0 && index < options.length) return ok(options[index]!.value);
  for (const o of options) {
    const names = [o.value, o.label ?? '', ...(o.aliases ?? [])].map(normalizeText).filter((x) => x !== '');
    if (names.includes(n)) return ok(o.value);
  }
  return invalid;
}

/** Free text: non-empty, trimmed, at most maxLength characters. */
export function validateText(input: string, maxLength: number): Validation<string> {
  const s = tidySpaces(input);
  if (s.length === 0 || [...s].length > maxLength) return invalid;
  return ok(s);
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A calendar date with its year, as people text it: "1990-03-14", "3/14/1990" or "3-14-90" (US
 * order), "March 14, 1990", "14 March 1990", "Mar 14 1990". Becomes "1990-03-14" (what a
 * date-timed sequence reads); a day that does not exist (Feb 30) is refused.
 */
export function validateDate(input: string): Validation<string> {
  const s = tidySpaces(input).toLowerCase().replace(/(\d)(st|nd|rd|th)\b/g, '$1').replace(/,/g, ' ').replace(/\s+/g, ' ').trim();
  let y: number, m: number, d: number;
  let r: RegExpExecArray | null;
  if ((r = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s))) [y, m, d] = [Number(r[1]), Number(r[2]), Number(r[3])];
  else if ((r = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(s))) [m, d, y] = [Number(r[1]), Number(r[2]), Number(r[3])];
  else if ((r = /^([a-z]{3,9})\.? (\d{1,2}) (\d{4})$/.exec(s))) [m, d, y] = [MONTH_NAMES.indexOf(r[1]!.slice(0, 3)) + 1, Number(r[2]), Number(r[3])];
  else if ((r = /^(\d{1,2}) ([a-z]{3,9})\.? (\d{4})$/.exec(s))) [d, m, y] = [Number(r[1]), MONTH_NAMES.indexOf(r[2]!.slice(0, 3)) + 1, Number(r[3])];
  else return invalid;
  // Two-digit years: 00-29 this century, 30-99 the last (a birth year or an anniversary).
  if (y < 100) y += y < 30 ? 2000 : 1900;
  if (m < 1 || m > 12 || y < 1900 || y > 2200) return invalid;
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return invalid;
  return ok(day.toISOString().slice(0, 10));
}

const SKIP = new Set([
  'skip', 'no', 'none', 'pass', 'nope', 'n a', 'na', 'no thanks', 'no thank you', 'not now', 'nah', 'next', 'later',
  'saltar', 'omitir', 'paso', 'siguiente', 'no gracias', 'ahora no', 'ninguno', 'despues', 'luego',
]);

/** True when the answer declines an optional step ("SKIP", "no", "no thanks"; "SALTAR", "omitir", "no gracias"). */
export function isSkip(input: string): boolean {
  return SKIP.has(normalizeText(input));
}
