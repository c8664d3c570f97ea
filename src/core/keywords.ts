/**
 * Keyword matching for one sender: case-insensitive, surrounding whitespace and punctuation
 * ignored, the first word counts ("JOIN chicago"), aliases map to their primary keyword. Accents
 * are ignored too (ÚNETE, unete → UNETE); a word may carry a language (issue 16).
 */
import type { CampaignRuntime } from './campaign';
import { keywordForm } from './text';
import type { Lang } from './language';

export interface KeywordHit {
  campaign: CampaignRuntime;
  /** The primary keyword (what a share line tells friends to text). */
  keyword: string;
  /** The word as the person texted it, in keyword form. */
  matched: string;
  /** True when the keyword was the whole message. */
  alone: boolean;
  /** The language of the word texted (`UNETE` → es), null when the organizer named none. */
  language: Lang | null;
}

export class KeywordIndex {
  private readonly byWord = new Map<string, { campaign: CampaignRuntime; keyword: string; language: Lang | null }>();

  constructor(campaigns: readonly CampaignRuntime[]) {
    for (const campaign of campaigns) {
      for (const k of campaign.keywords) {
        if (!this.byWord.has(k.word)) this.byWord.set(k.word, { campaign, keyword: k.word, language: k.language ?? null });
        for (const w of k.aliases) {
          if (!this.byWord.has(w)) this.byWord.set(w, { campaign, keyword: k.word, language: k.aliasLanguages?.[w] ?? k.language ?? null });
        }
      }
    }
  }

  match(text: string): KeywordHit | null {
    const trimmed = text.trim();
    const firstSpace = trimmed.search(/\s/u);
    const first = firstSpace === -1 ? trimmed : trimmed.slice(0, firstSpace);
    const word = keywordForm(first);
    if (word === '') return null;
    const hit = this.byWord.get(word);
    if (!hit) return null;
    const rest = firstSpace === -1 ? '' : keywordForm(trimmed.slice(firstSpace));
    return { campaign: hit.campaign, keyword: hit.keyword, matched: word, alone: rest === '', language: hit.language };
  }
}
