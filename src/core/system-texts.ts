/**
 * The system texts a campaign sends (opt-in, START, HELP and STOP confirmations, the default
 * reply, the inbox's auto-reply, the language switch's answer), in any language the campaign
 * lists: the built-in template for that language (src/core/texts/<lang>.ts) unless the organizer
 * overrode it (campaign `texts.<lang>.<key>`), rendered from the same campaign settings in every
 * language so the parts carriers require are never left out of one of them.
 */
import { checkTemplate, renderTemplate } from './template';
import { languagesOf, type Lang } from './language';
import { EN, frequencyEn, type TextKey } from './texts/en';
import { ES, frequencyEs } from './texts/es';

export type { TextKey };

const BUILT_IN: Record<Lang, Record<TextKey, string>> = { en: EN, es: ES };
/** The campaign's frequency ("Up to 6 msgs/mo") per language; null: no automatic translation. */
const FREQUENCY: Record<Lang, (frequency: string) => string | null> = { en: frequencyEn, es: frequencyEs };

export const TEXT_KEYS = Object.keys(EN) as TextKey[];

/** Merge fields a system text (built-in or override) may use. */
export const SYSTEM_TEXT_FIELDS = ['program', 'frequency', 'support', 'keyword', 'sender'] as const;

/** Merge fields some texts add (issue 13: the page link, the goal, a recruiter's count). */
export const TEXT_EXTRA_FIELDS: Partial<Record<TextKey, readonly string[]>> = { page: ['page_link'], goalSet: ['goal'], friendJoined: ['count'] };

/** Texts that must tell people how to cancel (carriers require it). */
export const TEXTS_NAMING_STOP: readonly TextKey[] = ['optIn', 'start', 'help', 'defaultReply'];

/** An organizer's overrides: per language, any system text, and the frequency in that language. */
export type TextOverrides = Partial<Record<Lang, Partial<Record<TextKey | 'frequency', string>>>>;

/** What the system texts are generated from (a CampaignRuntime has all of it). */
export interface TextsCampaign {
  programName: string;
  sender: string;
  frequency: string;
  supportContact: string;
  /** The campaign's own HELP reply, in its default language (written before languages existed). */
  helpText: string | null;
  keywords: readonly { word: string; aliases: readonly string[]; language?: Lang | undefined; aliasLanguages?: Partial<Record<string, Lang>> | undefined }[];
  languages?: readonly Lang[] | undefined;
  texts?: TextOverrides | undefined;
}

/** The message frequency in `lang`: the override, else the automatic translation, else as written. */
export function frequencyIn(c: TextsCampaign, lang: Lang): string {
  return c.texts?.[lang]?.frequency ?? FREQUENCY[lang](c.frequency) ?? c.frequency;
}

/** True when the frequency as written has an automatic translation into `lang`. */
export function frequencyTranslates(frequency: string, lang: Lang): boolean {
  return FREQUENCY[lang](frequency) !== null;
}

/** The word to tell people to text in `lang`: the first keyword or alias in that language, else the primary keyword. */
export function keywordIn(c: Pick<TextsCampaign, 'keywords'>, lang: Lang): string {
  for (const k of c.keywords) {
    if (k.language === lang) return k.word;
    for (const a of k.aliases) if ((k.aliasLanguages?.[a] ?? k.language) === lang) return a;
  }
  return c.keywords[0]?.word ?? '';
}

/** The merge values of a system text in `lang`. */
export function systemVars(c: TextsCampaign, lang: Lang): Record<string, string> {
  return { program: c.programName, frequency: frequencyIn(c, lang), support: c.supportContact, keyword: keywordIn(c, lang), sender: c.sender };
}

/**
 * One system text in `lang` (default: the campaign's default language). `extra` adds merge values
 * for texts a feature adds (a link, a code).
 */
export function systemText(c: TextsCampaign, key: TextKey, lang: Lang = languagesOf(c)[0]!, extra?: Record<string, string>): string {
  const own = c.texts?.[lang]?.[key];
  if (own === undefined && key === 'help' && c.helpText !== null && lang === languagesOf(c)[0]) return c.helpText;
  const template = own ?? BUILT_IN[lang][key];
  const vars = systemVars(c, lang);
  return renderTemplate(template, extra ? Object.assign(vars, extra) : vars);
}

/** The built-in template (for docs and the console). */
export function builtInText(key: TextKey, lang: Lang): string {
  return BUILT_IN[lang][key];
}

/** Problems of an organizer's override (unknown merge fields, no STOP where carriers require it). */
export function overrideProblems(key: TextKey | 'frequency', template: string): string[] {
  if (key === 'frequency') return [];
  const out = checkTemplate(template, [...SYSTEM_TEXT_FIELDS, ...(TEXT_EXTRA_FIELDS[key as TextKey] ?? [])]).map((p) => p.message);
  if (TEXTS_NAMING_STOP.includes(key as TextKey) && !/\b(?:STOP|ALTO)\b/.test(template)) out.push('must tell people to reply STOP to cancel');
  return out;
}
