/**
 * Referral codes (issue 13), pure: the alphabet, how a code is made and read back from a text, and
 * the one rule deciding whether a `KEYWORD CODE` credits a recruiter. The router cannot know a
 * supporter's code (it is stored per campaign and read only when needed, never on every text), so
 * a reply that carries `{{referral_code}}` is rendered with a slot the store fills with the code it
 * issues or finds, in the same transaction (fillReferralSlots). Every engine, and the in-memory
 * golden runner, goes through the functions here.
 */
import { keywordForm } from './text';

/** Readable and unambiguous: no 0/O, no 1/I (32 symbols). */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 5;

/** Where a reply carries the supporter's code: filled by the store before the reply is queued. */
export const REFERRAL_CODE_SLOT = '\uE000referral_code\uE000';
/** Where a reply carries the supporter's page token (the URL is around it). */
export const PAGE_TOKEN_SLOT = '\uE000page_token\uE000';

/** Where a recruiter notice carries the recruiter's count of friends. */
export const COUNT_SLOT = '\uE000count\uE000';

/** Merge fields a flow message may use beyond the flow's own (core/flow.ts lists them). */
export const REFERRAL_MERGE_FIELDS = ['referral_code'] as const;

/**
 * 64 bits of a seed (a UUIDv7's random tail, or any string hashed) as two 32-bit halves, high and
 * low. Numbers, not a BigInt: each BigInt step allocates, and this runs on every completion.
 */
function seedBits(seed: string): [hi: number, lo: number] {
  const hex = seed.replace(/-/g, '');
  if (/^[0-9a-f]{32}$/i.test(hex)) return [parseInt(hex.slice(16, 24), 16), parseInt(hex.slice(24), 16)];
  // Not an id (the golden runner's "m12"): FNV-1a, 64 bits.
  let h = 0xcbf29ce484222325n;
  for (const ch of seed) h = ((h ^ BigInt(ch.codePointAt(0)!)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return [Number(h >> 32n), Number(h & 0xffffffffn)];
}

/** `width` (≤ 5) bits of the 64-bit value [hi, lo], starting `offset` bits from its low end (offset + width ≤ 64). */
function bitsAt([hi, lo]: [number, number], offset: number, width: number): number {
  const mask = (1 << width) - 1;
  if (offset >= 32) return (hi >>> (offset - 32)) & mask;
  if (offset + width <= 32) return (lo >>> offset) & mask;
  return ((lo >>> offset) | (hi << (32 - offset))) & mask;
}

/**
 * A code from a random seed: up to three letters of the first name (those in the alphabet:
 * ANA → ANA, IVÁN → VAN) and random symbols to CODE_LENGTH; `attempt` > 0 (the proposal was
 * taken) drops the name and, from the fourth attempt, lengthens the code by one symbol. The
 * symbols are the seed's bits, five at a time from the low end; a code without a digit has its
 * last symbol replaced by a digit from the next three bits.
 */
export function makeCode(seed: string, firstName: string | null, attempt = 0): string {
  const letters = attempt === 0 ? [...keywordForm(firstName ?? '')].filter((c) => CODE_ALPHABET.includes(c)).slice(0, 3).join('') : '';
  const length = CODE_LENGTH + (attempt >= 3 ? 1 : 0);
  const bits = seedBits(seed);
  let offset = 0;
  let out = letters;
  while (out.length < length) {
    out += CODE_ALPHABET[bitsAt(bits, offset, 5)];
    offset += 5;
  }
  // Always a digit: a team word is letters only, so no word after the keyword is both.
  return /[2-9]/.test(out) ? out : out.slice(0, -1) + '23456789'[bitsAt(bits, offset, 3)];
}

/**
 * A word texted after the keyword, read as a code: case-insensitive, dashes, dots and spaces
 * inside dropped ("ana-7k" → ANA7K), and the mistypes the issue names mapped (0 → O, 1 → I).
 * With this alphabet (no O, no I) that mapping can never turn a mistyped code into a real one: it
 * is kept as the issue pins it and documented as such (docs/organizers/referrals.md). Null when the
 * word cannot be a code (no digit, too short or long): such a word costs no lookup.
 */
export function normalizeCode(word: string): string | null {
  const w = keywordForm(word);
  // A code has a digit: "JOIN chicago" or "JOIN please" is not a code and costs no lookup.
  if (!/^[A-Z0-9]{4,8}$/.test(w) || !/[0-9]/.test(w)) return null;
  return w.replace(/0/g, 'O').replace(/1/g, 'I');
}

/** The word after the keyword: `JOIN ana7k please` → "ana7k"; null when the keyword was alone. */
export function wordAfterKeyword(text: string): string | null {
  const words = text.trim().split(/\s+/u);
  if (words.length < 2) return null;
  const w = words[1]!.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, '');
  return w === '' ? null : w;
}

/** What the store knows when a `KEYWORD CODE` arrives: the code's owner and the texter's own row. */
export interface CreditCheck {
  /** The contact whose code it is in this campaign (undefined: no such code). */
  ownerId: string | undefined;
  contactId: string;
  /** The texter's referral row in the campaign, if any. */
  own: { code: string | null; recruitedBy: string | null } | undefined;
}

export type CreditVerdict = 'credited' | 'unknown_code' | 'self' | 'already_credited' | 'already_a_recruiter';

/**
 * Does this code credit its owner? An unknown code joins uncredited; nobody recruits themselves;
 * the first credit wins; a supporter who already holds a code of their own (signed up before) is
 * not anyone's recruit (two supporters swapping codes would otherwise credit each other).
 */
export function creditVerdict(c: CreditCheck): CreditVerdict {
  if (c.ownerId === undefined) return 'unknown_code';
  if (c.ownerId === c.contactId) return 'self';
  if (c.own?.recruitedBy) return 'already_credited';
  if (c.own?.code) return 'already_a_recruiter';
  return 'credited';
}

/** Fills the slots a reply may carry: the supporter's code and page token. */
export function fillReferralSlots(body: string, code: string | null, pageToken: string | null): string {
  let out = body;
  if (out.includes(REFERRAL_CODE_SLOT)) out = out.split(REFERRAL_CODE_SLOT).join(code ?? '');
  if (out.includes(PAGE_TOKEN_SLOT)) out = out.split(PAGE_TOKEN_SLOT).join(pageToken ?? '');
  return out;
}

/** The display name of a consenting supporter on a leaderboard: "Ana R." (first name, last initial). */
export function leaderboardName(firstName: string | null): string | null {
  if (!firstName) return null;
  const parts = firstName.trim().split(/\s+/u);
  const first = parts[0]!;
  const last = parts.length > 1 ? parts[parts.length - 1]! : '';
  return last ? `${first} ${[...last][0]!.toUpperCase()}.` : first;
}

/** A recruiter notice goes at most once a day (a rolling 24 hours) per recruiter. */
export function noticeDue(lastNoticeAt: string | null, now: string): boolean {
  return lastNoticeAt === null || Date.parse(now) - Date.parse(lastNoticeAt) >= 24 * 3_600_000;
}
