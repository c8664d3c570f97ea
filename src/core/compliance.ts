/**
 * Carrier compliance keywords (CTIA / FCC 2025 revocation rules).
 * Opt-out: single words, two-word forms and clear whole-message phrases, English and Spanish.
 * A sentence that merely contains "stop" is not an opt-out.
 */
import { normalizeText } from './text';

export type ComplianceKind = 'opt_out' | 'opt_in' | 'help';

export interface ComplianceMatch {
  kind: ComplianceKind;
  /** The keyword or phrase as recognised, upper-cased, for the consent ledger. */
  keyword: string;
}

const OPT_OUT_WORDS = new Set([
  'stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'revoke', 'optout',
  'alto', 'parar', 'cancelar', 'detener', 'basta',
]);
const OPT_IN_WORDS = new Set(['start', 'unstop']);
/** YES is an opt-in only when the contact is not answering a yes/no question. */
export const CONDITIONAL_OPT_IN_WORDS = new Set(['yes']);
const HELP_WORDS = new Set(['help', 'info', 'ayuda']);

const POLITE = '(?:please |pls |plz |kindly )?';
const TAIL = '(?: (?:please|pls|plz|now|thanks|thank you|thx|ty|asap|immediately|already|ok|okay|lol))*';
const OBJECTS = '(?: (?:me|us|this number|my number|texts?|messages?|msgs?|txts?|it|that))*';

/** Whole-message phrases (after normalisation) that revoke consent. */
const OPT_OUT_PHRASES: RegExp[] = [
  `stop all`,
  `opt (?:me )?out`,
  `(?:stop|quit|cease)(?: (?:texting|messaging|txting|sending|contacting|spamming|txt|text|message|send))?${OBJECTS}`,
  `(?:unsubscribe|unsub)(?: me)?(?: from (?:this|the|your|ur|these) (?:list|texts|messages))?`,
  `(?:remove|delete) (?:me|my number|my phone|this number)(?: from (?:this|the|your|ur|these|all) (?:list|lists|texts|messages|group))?`,
  `take me off(?: (?:this|the|your|ur) (?:list|texts))?`,
  `(?:do not|dont|never) (?:text|message|contact|txt) (?:me|us|this number)(?: again| anymore| any more| ever again)?`,
  `no more (?:texts|messages|msgs|txts)`,
  `(?:cancel|end)(?: (?:my )?(?:subscription|texts|messages))`,
  `leave me alone`,
  `(?:no|ya no) (?:me )?(?:mandes|envies|manden|envien) (?:mas )?(?:mensajes|textos)`,
  `no mas (?:mensajes|textos)`,
  `(?:darme|dame|darse) de baja`,
].map((p) => new RegExp(`^${POLITE}(?:${p})${TAIL}$`));

const HELP_PHRASES: RegExp[] = [`(?:help|info|ayuda)(?: me)?`].map(
  (p) => new RegExp(`^${POLITE}(?:${p})${TAIL}$`),
);

/** Classify a message as a compliance keyword, or null if it is anything else. */
export function classifyCompliance(text: string): ComplianceMatch | null {
  const n = normalizeText(text);
  if (n === '') return null;
  const single = n.includes(' ') ? null : n;
  if (single) {
    if (OPT_OUT_WORDS.has(single)) return { kind: 'opt_out', keyword: single.toUpperCase() };
    if (OPT_IN_WORDS.has(single)) return { kind: 'opt_in', keyword: single.toUpperCase() };
    if (HELP_WORDS.has(single)) return { kind: 'help', keyword: single.toUpperCase() };
  }
  if (n.length > 80) return null;
  if (OPT_OUT_PHRASES.some((r) => r.test(n))) return { kind: 'opt_out', keyword: n.toUpperCase() };
  if (HELP_PHRASES.some((r) => r.test(n))) return { kind: 'help', keyword: n.split(' ').find((w) => HELP_WORDS.has(w))!.toUpperCase() };
  return null;
}

/** True when the whole message is a conditional opt-in word such as YES. */
export function isConditionalOptIn(text: string): string | null {
  const n = normalizeText(text);
  return CONDITIONAL_OPT_IN_WORDS.has(n) ? n.toUpperCase() : null;
}

export type ContactStatus = 'pending' | 'subscribed' | 'opted_out';

/**
 * What may be sent to a number, decided in one place.
 * An opted-out number receives exactly one thing: the confirmation of its own STOP,
 * in reply to that STOP. Nothing else, from any path, until it opts in again.
 * Bulk (broadcast) texts additionally require an explicit opt-in (status subscribed).
 */
export type OutboundPurpose = 'opt_out_confirmation' | 'reply' | 'help' | 'broadcast' | 'system';

export function mayText(status: ContactStatus, purpose: OutboundPurpose): boolean {
  if (purpose === 'broadcast') return status === 'subscribed';
  if (status !== 'opted_out') return true;
  return purpose === 'opt_out_confirmation';
}
