/**
 * Broadcast message text: the merge fields a broadcast may use, the footer, and per-recipient
 * rendering. Checked when the broadcast is saved, so an unknown field is a 400 then, never a blank
 * at send time. Pure.
 */
import { segmentInfo, type Encoding } from './segments';
import { checkTemplate, renderTemplate, type MergeValues, type TemplateProblem } from './template';
import { linkProblems, replaceLinks, withoutLinks } from './donations';

/**
 * Merge fields available to broadcasts. `program` is an alias of `program_name`; `donation_link`
 * is the recipient's own tracked donation link, made when their text is claimed for sending (empty
 * when their campaign has no donation URL).
 */
export const BROADCAST_FIELDS = ['first_name', 'zip', 'state', 'program_name', 'program', 'keyword', 'sender', 'donation_link'] as const;

/** A tracked link as long as a real one (`<base>/l/<12 characters>`), for length checks and previews. */
export const SAMPLE_LINK = 'https://sms.example.org/l/abcdefghijkl';

const DONATION_LINK_FIELD = /\{\{\s*donation_link\s*(?:\|[^{}]*)?\}\}/i;

/** Does this text put the recipient's donation link somewhere ({{donation_link}}, with or without a fallback)? */
export function carriesDonationLink(template: string): boolean {
  return template.includes('{{') && DONATION_LINK_FIELD.test(template);
}

/** Twilio refuses bodies longer than 1600 characters (error 21617). */
export const MAX_BODY_CHARS = 1600;

export interface RecipientValues {
  firstName: string | null;
  zip: string | null;
  state: string | null;
  programName: string;
  keyword: string | null;
  sender: string;
  /** The recipient's tracked donation link (null or absent: none, {{donation_link}} is empty). */
  donationLink?: string | null;
}

/** Problems with a template, as field paths for a 400 (empty when it is fine). */
export function broadcastTemplateProblems(template: string, footer: string | null): TemplateProblem[] {
  // {{link:https://…}} is a tracked link (made when the broadcast is saved); a short link is ~45 characters.
  const problems = checkTemplate(withoutLinks(template), BROADCAST_FIELDS);
  for (const message of linkProblems(template)) problems.push({ field: '', message });
  if (template.trim() === '') problems.push({ field: '', message: 'must not be empty' });
  const longest = composeBody(renderTemplate(replaceLinks(template, () => SAMPLE_LINK), { donation_link: SAMPLE_LINK }), footer);
  if ([...longest].length > MAX_BODY_CHARS) {
    problems.push({ field: '', message: `is longer than ${MAX_BODY_CHARS} characters with the footer (Twilio refuses it)` });
  }
  return problems;
}

/** Template plus footer, on its own line; not appended twice when the template already ends with it. */
export function composeBody(template: string, footer: string | null): string {
  if (!footer) return template;
  const t = template.trimEnd();
  return t.toLowerCase().endsWith(footer.toLowerCase()) ? t : `${t}\n${footer}`;
}

export function mergeValues(v: RecipientValues): MergeValues {
  return {
    first_name: v.firstName, zip: v.zip, state: v.state, program_name: v.programName, program: v.programName,
    keyword: v.keyword, sender: v.sender, donation_link: v.donationLink ?? null,
  };
}

/** The text one recipient gets. */
export function renderForRecipient(template: string, footer: string | null, v: RecipientValues): string {
  return composeBody(renderTemplate(template, mergeValues(v)), footer);
}

export interface NonGsmCharacter {
  char: string;
  codePoint: string;
}

/**
 * Characters in the template that force UCS-2 (70 characters per segment instead of 160), e.g.
 * curly quotes pasted from a word processor: worth a warning before sending to thousands.
 */
export function nonGsmCharacters(text: string): NonGsmCharacter[] {
  const seen = new Map<string, NonGsmCharacter>();
  for (const ch of text) {
    if (seen.has(ch)) continue;
    if (segmentInfo(ch).encoding === 'UCS-2') {
      seen.set(ch, { char: ch, codePoint: `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` });
    }
  }
  return [...seen.values()];
}

export interface SegmentTally {
  messages: number;
  segments: number;
  minSegments: number;
  maxSegments: number;
  byEncoding: Record<Encoding, number>;
}

export function emptyTally(): SegmentTally {
  return { messages: 0, segments: 0, minSegments: 0, maxSegments: 0, byEncoding: { 'GSM-7': 0, 'UCS-2': 0 } };
}

export function tallyBody(t: SegmentTally, body: string): void {
  const info = segmentInfo(body);
  t.messages += 1;
  t.segments += info.segments;
  t.minSegments = t.messages === 1 ? info.segments : Math.min(t.minSegments, info.segments);
  t.maxSegments = Math.max(t.maxSegments, info.segments);
  t.byEncoding[info.encoding] += 1;
}
