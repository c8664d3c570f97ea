/**
 * The campaign editor's "Referrals and teams" fieldset as form values (issue 13), so an organizer
 * sets teams and the referral settings in the console instead of JSON. Teams are typed one a line,
 * `WORD | Name` or `WORD | Name | goal`, and sent as the API's `referrals.teams` list: the API
 * validates them and reports at `referrals.teams.<i>.word`, which the teams box claims (each
 * problem says which line). The recruiter notice and the SHOW question are switches in
 * `referrals`; their wording is a system-text override (`texts.<lang>.friendJoined`,
 * `texts.<lang>.showQuestion`), given its own box here and merged into the campaign's `texts`.
 * Nothing here judges a value: every rule is the API's.
 */
import type { FieldProblem } from '../../core/validation';
import type { ReferralSettings } from '../../core/referral-settings';
import type { TextOverrides } from '../../core/system-texts';
import { isLang, type Lang } from '../../core/language';
import { friendlyMessage } from './fields';

export interface ReferralsForm {
  /**
   * The fieldset was on the page (its hidden `referrals` input): only then does a save send
   * `referrals`. An unchecked box posts nothing, so without the marker a post from a page that
   * never showed the fieldset would turn the switches off; without it the settings are kept.
   */
  present: boolean;
  /** One team a line: `NURSES | Nurses for Rosa` or `NURSES | Nurses for Rosa | 50` (a goal of members). */
  teams: string;
  recruiterNotice: boolean;
  askShow: boolean;
  /** Own wording of the two referral texts by API path (`texts.en.friendJoined`); blank: the built-in. */
  texts: Record<string, string>;
}

export const REFERRAL_TEXT_KEYS = ['friendJoined', 'showQuestion'] as const;
export type ReferralTextKey = (typeof REFERRAL_TEXT_KEYS)[number];

/**
 * The wording boxes the fieldset shows: the notice goes out only in the campaign's default language
 * (src/core/inbound.ts), the SHOW question in each supporter's own.
 */
export function referralTextBoxes(languages: readonly Lang[]): { path: string; key: ReferralTextKey; lang: Lang }[] {
  const first = languages[0] ?? 'en';
  return [
    { path: `texts.${first}.friendJoined`, key: 'friendJoined', lang: first },
    ...languages.map((lang) => ({ path: `texts.${lang}.showQuestion`, key: 'showQuestion' as const, lang })),
  ];
}

export function blankReferralsForm(): ReferralsForm {
  return { present: true, teams: '', recruiterNotice: false, askShow: false, texts: {} };
}

/** A team as the box writes it; a name holding "|" gets the empty goal column, so it reads back whole. */
function teamLine(t: ReferralSettings['teams'][number]): string {
  if (t.goal !== undefined) return `${t.word} | ${t.name} | ${t.goal}`;
  return t.name.includes('|') ? `${t.word} | ${t.name} |` : `${t.word} | ${t.name}`;
}

/**
 * A stored campaign's settings as the fieldset shows them, and its `texts` without the overrides
 * that moved to the fieldset's own boxes (the rest stay in the JSON box).
 */
export function referralsFormOf(
  referrals: ReferralSettings | undefined, texts: TextOverrides | undefined, languages: readonly Lang[],
): { referrals: ReferralsForm; otherTexts: TextOverrides } {
  const form = blankReferralsForm();
  if (referrals) {
    form.teams = referrals.teams.map(teamLine).join('\n');
    form.recruiterNotice = referrals.recruiterNotice;
    form.askShow = referrals.askShow;
  }
  const otherTexts: TextOverrides = {};
  for (const [lang, overrides] of Object.entries(texts ?? {}) as [Lang, Record<string, string>][]) otherTexts[lang] = { ...overrides };
  for (const box of referralTextBoxes(languages)) {
    const own = otherTexts[box.lang]?.[box.key];
    if (own === undefined) continue;
    form.texts[box.path] = own;
    delete otherTexts[box.lang]![box.key];
    if (Object.keys(otherTexts[box.lang]!).length === 0) delete otherTexts[box.lang];
  }
  return { referrals: form, otherTexts };
}

/** The fieldset's values from a posted body (`get` reads one field as text). */
export function referralsFormFromBody(body: Record<string, unknown>, get: (name: string) => string): ReferralsForm {
  const texts: Record<string, string> = {};
  for (const name of Object.keys(body)) {
    const m = /^texts\.([a-z]{2})\.(friendJoined|showQuestion)$/.exec(name);
    if (m && isLang(m[1])) texts[name] = get(name);
  }
  return {
    present: body.referrals !== undefined, teams: get('referrals.teams'),
    recruiterNotice: get('referrals.recruiterNotice') !== '', askShow: get('referrals.askShow') !== '', texts,
  };
}

interface TeamLine {
  /** 1-based line number in the box. */
  line: number;
  word: string;
  name: string;
  /** The goal column as typed; null when the line has none. */
  goal: string | null;
}

/** The box's non-blank lines, in order: the i-th is the API's `referrals.teams.<i>`. */
function teamLines(text: string): TeamLine[] {
  const out: TeamLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    const first = raw.indexOf('|');
    const last = raw.lastIndexOf('|');
    if (first < 0) out.push({ line: i + 1, word: raw.trim(), name: '', goal: null });
    else if (last === first) out.push({ line: i + 1, word: raw.slice(0, first).trim(), name: raw.slice(first + 1).trim(), goal: null });
    else out.push({ line: i + 1, word: raw.slice(0, first).trim(), name: raw.slice(first + 1, last).trim(), goal: raw.slice(last + 1).trim() });
  });
  return out;
}

/**
 * The API's `referrals` from the fieldset (undefined when the fieldset was not posted: a save
 * keeps the stored settings). An empty box is `teams: []`, which the API stores as no teams.
 */
export function referralsInput(form: ReferralsForm, problems: FieldProblem[]): Record<string, unknown> | undefined {
  if (!form.present) return undefined;
  const teams = teamLines(form.teams).map((t, i) => {
    const team: Record<string, unknown> = { word: t.word, name: t.name };
    const goal = (t.goal ?? '').replace(/,/g, '');
    if (goal === '') return team;
    if (!/^\d+(\.\d+)?$/.test(goal)) problems.push({ path: `referrals.teams.${i}.goal`, message: 'must be a number of members, like 50' });
    else team.goal = Number(goal);
    return team;
  });
  return { teams, recruiterNotice: form.recruiterNotice, askShow: form.askShow };
}

/** The campaign's `texts`: the JSON box's overrides with the fieldset's boxes on top (a blank box adds nothing). */
export function mergeReferralTexts(texts: unknown, form: ReferralsForm): unknown {
  const boxes = Object.entries(form.texts).filter(([, v]) => v.trim() !== '');
  if (boxes.length === 0) return texts;
  const out: Record<string, unknown> = texts && typeof texts === 'object' && !Array.isArray(texts) ? { ...(texts as Record<string, unknown>) } : {};
  for (const [path, value] of boxes) {
    const [, lang, key] = path.split('.') as [string, string, string];
    const own = out[lang];
    out[lang] = { ...(own && typeof own === 'object' && !Array.isArray(own) ? own : {}), [key]: value };
  }
  return out;
}

/**
 * A problem at `referrals.teams.<i>…` says which line of the box it is about ("line 2 (STOP): is
 * a reserved compliance keyword"); its path stays, so the teams box still claims it.
 */
export function teamProblemsByLine(problems: readonly FieldProblem[], teamsText: string): FieldProblem[] {
  const lines = teamLines(teamsText);
  return problems.map((p) => {
    const m = /^referrals\.teams\.(\d+)(?:\.(\w+))?/.exec(p.path);
    const t = m ? lines[Number(m[1])] : undefined;
    if (!m || !t) return p;
    const what = m[2] && m[2] !== 'word' ? `, ${m[2]}` : '';
    return { ...p, message: `line ${t.line}${t.word ? ` (${t.word})` : ''}${what}: ${friendlyMessage(p.message)}` };
  });
}
