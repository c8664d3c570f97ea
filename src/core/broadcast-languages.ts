/**
 * Broadcasts in several languages (issue 16): a broadcast's `template` may be one text or one per
 * language (`{ "en": "…", "es": "…" }`). Each recipient gets the text in the language they would
 * be texted in on the campaign they are reached through (theirs when that campaign lists it, else
 * its default: the same rule as the audience filter `language`), falling back to the campaign
 * default's text, then to the broadcast's first text. Pure.
 */
import { LANGUAGES, isLang, languageFor, languagesOf, type Lang } from './language';

export type BroadcastTemplates = Partial<Record<Lang, string>>;

/** The language a recipient gets, and the text in it. */
export function templateFor(
  template: string, templates: BroadcastTemplates | null | undefined, contactLanguage: string | null | undefined,
  campaignLanguages: readonly Lang[] | undefined,
): string {
  if (!templates) return template;
  const campaign = { languages: campaignLanguages };
  return templates[languageFor(contactLanguage, campaign)] ?? templates[languagesOf(campaign)[0]!] ?? template;
}

/** The language whose text a recipient gets (for the preview's per-language counts). */
export function languageOfRecipient(
  templates: BroadcastTemplates, contactLanguage: string | null | undefined, campaignLanguages: readonly Lang[] | undefined,
): Lang {
  const campaign = { languages: campaignLanguages };
  const own = languageFor(contactLanguage, campaign);
  if (templates[own] !== undefined) return own;
  const def = languagesOf(campaign)[0]!;
  return templates[def] !== undefined ? def : firstLanguage(templates);
}

/** The broadcast's plain `template` (what lists, exports and old readers show): English if given, else the first. */
export function firstLanguage(templates: BroadcastTemplates): Lang {
  return LANGUAGES.find((l) => templates[l] !== undefined) ?? 'en';
}

/** The stored per-language texts (null: one text for everyone, or a damaged column). */
export function parseTemplates(json: string | null | undefined): BroadcastTemplates | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
    const out: BroadcastTemplates = {};
    for (const [k, t] of Object.entries(v)) if (isLang(k) && typeof t === 'string') out[k] = t;
    return Object.keys(out).length > 0 ? out : null;
  } catch {
    return null;
  }
}
