/**
 * Languages (issue 16), the small mechanism every text goes through: a campaign lists its
 * languages (first = default), a contact may have one, and any organizer-written message may be
 * a plain string or one string per language (`{ "en": "…", "es": "…" }`). `textIn` picks the
 * contact's language with a fallback to the campaign default; `translationProblems` is the check,
 * by path, that a translated message carries every language the campaign lists.
 * Pure: no I/O. The built-in system texts per language live in src/core/system-texts.ts.
 */
import { z } from 'zod';
import { normalizeText } from './text';

/** Languages a campaign may list: those with built-in system texts (src/core/system-texts.ts). */
export const LANGUAGES = ['en', 'es'] as const;
export type Lang = (typeof LANGUAGES)[number];

export const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', es: 'Español' };

export function isLang(x: unknown): x is Lang {
  return typeof x === 'string' && (LANGUAGES as readonly string[]).includes(x);
}

export const langSchema = z.enum(LANGUAGES, { message: `must be one of ${LANGUAGES.join(', ')}` });

/** A message in one language for everyone, or one per language. */
export type Localized<T extends string = string> = T | Partial<Record<Lang, T>>;

/**
 * A localized message field: a string (checked by `text`) or an object of language → string
 * (each checked by `text`, at least one language, no unknown language).
 */
export function localized<S extends z.ZodType<string, string>>(text: S) {
  return z.union([text, z.partialRecord(langSchema, text).refine((o) => Object.keys(o).length > 0, 'give the message in at least one language')], {
    message: 'must be a string or an object of language → string like { "en": "…", "es": "…" }',
  });
}

/** The campaign's languages, default first ("en" for a campaign from before languages existed). */
export function languagesOf(c: { languages?: readonly Lang[] | undefined }): readonly Lang[] {
  return c.languages && c.languages.length > 0 ? c.languages : DEFAULT_LANGUAGES;
}
const DEFAULT_LANGUAGES: readonly Lang[] = ['en'];

/** The language to speak to a contact: theirs when the campaign lists it, else the campaign default. */
export function languageFor(contactLanguage: string | null | undefined, c: { languages?: readonly Lang[] | undefined }): Lang {
  const listed = languagesOf(c);
  return contactLanguage && (listed as readonly string[]).includes(contactLanguage) ? (contactLanguage as Lang) : listed[0]!;
}

/**
 * The text in `lang`; a plain string is the same in every language. A translation missing
 * (a flow stored before the campaign listed the language) falls back to `fallback`, then to
 * the first translation given.
 */
export function textIn<T extends string>(message: Localized<T>, lang: Lang, fallback?: Lang): T {
  if (typeof message === 'string') return message;
  const own = message[lang] ?? (fallback ? message[fallback] : undefined);
  if (own !== undefined) return own;
  for (const l of LANGUAGES) if (message[l] !== undefined) return message[l]!;
  return '' as T;
}

/** True when the message is given per language. */
export function isTranslated(message: Localized | undefined | null): message is Partial<Record<Lang, string>> {
  return typeof message === 'object' && message !== null;
}

/** Every text of a localized message (one per language given). */
export function allTexts(message: Localized): string[] {
  return typeof message === 'string' ? [message] : Object.values(message).filter((t): t is string => typeof t === 'string');
}

/**
 * Problems of one message against the campaign's languages: a translated message must carry every
 * listed language and no other. Paths end with the language (`flow.steps.0.prompt.es`).
 */
export function translationProblems(message: Localized | undefined, languages: readonly Lang[], path: (string | number)[]): { path: (string | number)[]; message: string }[] {
  if (!isTranslated(message)) return [];
  const out: { path: (string | number)[]; message: string }[] = [];
  for (const l of languages) {
    if (message[l] === undefined) out.push({ path: [...path, l], message: `is missing the ${LANGUAGE_NAMES[l]} (${l}) translation: the campaign lists ${languages.join(', ')}` });
  }
  for (const l of Object.keys(message)) {
    if (!(languages as readonly string[]).includes(l)) out.push({ path: [...path, l], message: `"${l}" is not one of the campaign's languages (${languages.join(', ')}); add it to languages or remove this translation` });
  }
  return out;
}

/** Texts that switch a contact's language, after normalisation (accents and case ignored). */
const SWITCH_WORDS = new Map<string, Lang>([
  ['espanol', 'es'], ['spanish', 'es'], ['en espanol', 'es'], ['castellano', 'es'],
  ['english', 'en'], ['ingles', 'en'], ['en ingles', 'en'], ['in english', 'en'],
]);

/** Keyword forms a campaign may never claim: the language switch owns them. */
export const LANGUAGE_SWITCH_KEYWORDS = ['ESPANOL', 'SPANISH', 'CASTELLANO', 'ENGLISH', 'INGLES'] as const;

/** The language a whole text asks for ("ESPAÑOL", "spanish!", "English"), or null. */
export function languageSwitch(text: string): Lang | null {
  // Most texts are longer than any switch word: skip normalising them (this runs on every text).
  if (text.length > 24) return null;
  const n = normalizeText(text);
  if (n.length > 12) return null;
  return SWITCH_WORDS.get(n) ?? null;
}

/** Spanish compliance words and phrase words (ALTO, AYUDA, "no mas mensajes", "darme de baja"). */
const SPANISH_COMPLIANCE = /\b(?:ALTO|PARAR|CANCELAR|DETENER|BASTA|AYUDA|MENSAJES|TEXTOS|BAJA|MANDES|ENVIES)\b/;
const ENGLISH_HELP = /\b(?:HELP|INFO)\b/;

/**
 * The language a compliance keyword (as the ledger records it) was written in: Spanish words
 * (ALTO, AYUDA …) are Spanish, HELP and INFO English; STOP and START are everyone's (carriers
 * require them in every language), so they say nothing about the language (null).
 */
export function languageOfComplianceWord(keyword: string): Lang | null {
  if (SPANISH_COMPLIANCE.test(keyword)) return 'es';
  return ENGLISH_HELP.test(keyword) ? 'en' : null;
}
