/**
 * The campaign editor's form model. Every input is named by the zod path the API reports
 * problems at (`flow.steps.1.prompt`), so a problem lands next to its field. Money is typed in
 * dollars and sent in cents; blank keyword rows are dropped. `applyEdit` handles the editor's
 * add / remove / move buttons (plain form posts: the editor works without JavaScript).
 * In a campaign with several languages (issue 16) each message has one box per language, named
 * by the API's path of that translation (`flow.steps.1.prompt.es`); an alias may carry its
 * language as `UNETE:es`; the system-text overrides ride along unchanged.
 * Teams and the referral settings (issue 13) are the "Referrals and teams" fieldset
 * (src/http/pages/referrals-form.ts).
 */
import type { CampaignInput } from '../../core/campaign';
import { DEMO_FLOW, type FlowInput } from '../../core/flow';
import type { FieldProblem } from '../../core/validation';
import { centsToDecimal } from '../../core/money';
import type { CampaignView } from '../../usecases/campaigns/campaigns';
import { isLang, LANGUAGES, type Lang, type Localized } from '../../core/language';
import { blankReferralsForm, mergeReferralTexts, referralsFormFromBody, referralsFormOf, referralsInput, type ReferralsForm } from './referrals-form';

/** A message as the form holds it: one text, or one per language. */
export type MessageValue = Localized;

export const VALIDATOR_TYPES = ['name', 'zip', 'email', 'money', 'yesno', 'choice', 'text', 'date'] as const;
export type ValidatorType = (typeof VALIDATOR_TYPES)[number];
export const MAX_STEPS = 20;
export const MAX_KEYWORD_ROWS = 20;

export interface KeywordRow {
  word: string;
  /** Comma- or space-separated; `UNETE:es` gives an alias its own language. */
  aliases: string;
  /** The keyword's language (blank: none). */
  language?: string;
}

export interface StepRow {
  id: string;
  prompt: MessageValue;
  capture: string;
  type: string;
  reprompt: MessageValue;
  outOfRange: MessageValue;
  skippable: boolean;
  onGiveUp: string;
  /** Money steps, in dollars as typed. */
  minCents: string;
  maxCents: string;
  frequency: string;
  /** Choice steps: one option a line, "value | label | alias, alias". */
  options: string;
  /** Text steps. */
  maxLength: string;
  /** Branches by answer, one a line: "yes -> shift_time" or "no -> end: Thanks anyway". */
  branches: string;
  /** Where other answers go: a step id, "end: message", or blank for the next step in the list. */
  next: string;
}

export interface CampaignForm {
  name: string;
  programName: string;
  sender: string;
  frequency: string;
  supportContact: string;
  helpText: string;
  expiryHours: string;
  /** Tonight's monthly pledge goal, in dollars as typed. */
  goalCents: string;
  /** The donation form URL template ('' for none). */
  donationUrl: string;
  keywords: KeywordRow[];
  steps: StepRow[];
  completion: MessageValue;
  giveUp: MessageValue;
  maxAttempts: string;
  /** The campaign's languages as typed ("en, es"; blank: English only). */
  languages?: string;
  /** The system-text overrides (JSON as stored; kept as they are by the editor), but for the referral texts' own boxes. */
  texts?: string;
  /** Teams, the recruiter notice and the SHOW question (absent: a save keeps the stored ones). */
  referrals?: ReferralsForm;
}

/** The languages a form's campaign lists (valid codes only, in order). */
export function formLanguages(form: Pick<CampaignForm, 'languages'>): Lang[] {
  const list = (form.languages ?? '').split(/[\s,]+/).map((l) => l.trim().toLowerCase()).filter(isLang);
  return list.length > 0 ? [...new Set(list)] : ['en'];
}

const msg = (v: unknown): MessageValue => {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const out: Partial<Record<Lang, string>> = {};
    for (const [k, t] of Object.entries(v)) if (isLang(k)) out[k] = str(t);
    return out;
  }
  return str(v);
};

/** True when the message has no text at all. */
export function messageBlank(m: MessageValue): boolean {
  return typeof m === 'string' ? m.trim() === '' : Object.values(m).every((t) => (t ?? '').trim() === '');
}

const dollars = (cents: unknown) => (typeof cents === 'number' ? centsToDecimal(cents).replace(/\.00$/, '') : '');
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

export function blankStep(n: number): StepRow {
  return {
    id: `step${n}`, prompt: '', capture: '', type: 'text', reprompt: '', outOfRange: '', skippable: false, onGiveUp: 'next',
    minCents: '1', maxCents: '2700', frequency: 'monthly', options: '', maxLength: '160', branches: '', next: '',
  };
}

/** A route as the editor writes it: "shift_time" or "end: Thanks anyway". */
function routeText(r: unknown): string {
  const x = (r && typeof r === 'object' ? r : {}) as { goto?: unknown; end?: unknown };
  return x.end !== undefined ? `end: ${str(x.end)}` : str(x.goto);
}

function parseRoute(text: string): { goto: string } | { end: string } {
  const t = text.trim();
  const end = /^end\s*:\s*([\s\S]*)$/i.exec(t);
  return end ? { end: end[1]! } : { goto: t };
}

/** "yes -> shift_time" lines (→ also works); problems for lines that are not that shape. */
function parseBranches(text: string, path: string, problems: FieldProblem[]): { when: string; goto?: string; end?: string }[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((line, j) => {
      const m = /^(.+?)\s*(?:->|→)\s*(.*)$/.exec(line);
      if (!m) {
        problems.push({ path: `${path}.${j}`, message: `write "answer -> step_id" or "answer -> end: message" (line ${j + 1})` });
        return { when: line };
      }
      return { when: m[1]!.trim(), ...parseRoute(m[2]!) };
    });
}

function stepFromFlow(s: Record<string, unknown>, i: number): StepRow {
  const v = (s.validate ?? {}) as Record<string, unknown>;
  const options = Array.isArray(v.options)
    ? (v.options as { value?: unknown; label?: unknown; aliases?: unknown }[])
        .map((o) => [str(o.value), str(o.label), Array.isArray(o.aliases) ? o.aliases.map(str).join(', ') : ''].join(' | ').replace(/( \| )+$/, ''))
        .join('\n')
    : '';
  return {
    ...blankStep(i + 1),
    id: str(s.id), prompt: msg(s.prompt), capture: str(s.capture), type: str(v.type) || 'text', reprompt: msg(s.reprompt),
    outOfRange: msg(s.outOfRange), skippable: s.skippable === true, onGiveUp: str(s.onGiveUp) || 'next',
    minCents: v.minCents === undefined ? '1' : dollars(v.minCents), maxCents: v.maxCents === undefined ? '2700' : dollars(v.maxCents),
    frequency: str(v.frequency) || 'monthly', options, maxLength: v.maxLength === undefined ? '160' : str(v.maxLength),
    branches: Array.isArray(s.branches)
      ? (s.branches as Record<string, unknown>[]).map((b) => `${str(b.when)} -> ${routeText(b)}`).join('\n')
      : '',
    next: s.next === undefined ? '' : routeText(s.next),
  };
}

function flowFields(flow: unknown): Pick<CampaignForm, 'steps' | 'completion' | 'giveUp' | 'maxAttempts'> {
  const f = (flow && typeof flow === 'object' ? flow : {}) as Record<string, unknown>;
  const steps = Array.isArray(f.steps) ? (f.steps as Record<string, unknown>[]).map(stepFromFlow) : [];
  return { steps, completion: msg(f.completion), giveUp: msg(f.giveUp), maxAttempts: f.maxAttempts === undefined ? '3' : str(f.maxAttempts) };
}

/** A new campaign starts from the demo conversation (name, ZIP, monthly pledge, email). */
export function newCampaignForm(): CampaignForm {
  return {
    name: '', programName: '', sender: '', frequency: 'Up to 6 msgs/mo', supportContact: '', helpText: '', expiryHours: '24',
    goalCents: '', donationUrl: '', keywords: [{ word: '', aliases: '' }], ...flowFields(DEMO_FLOW as FlowInput),
    referrals: blankReferralsForm(),
  };
}

export function formFromCampaign(c: CampaignView): CampaignForm {
  const { referrals, otherTexts } = referralsFormOf(c.referrals, c.texts, c.languages ?? ['en']);
  return {
    name: c.name, programName: c.programName, sender: c.sender, frequency: c.frequency, supportContact: c.supportContact,
    helpText: c.helpText ?? '', expiryHours: String(c.expiryHours), goalCents: c.goalCents > 0 ? dollars(c.goalCents) : '',
    donationUrl: c.donationUrl ?? '',
    keywords: c.keywords.map((k) => ({
      word: k.word, language: k.language ?? '',
      aliases: k.aliases.map((a) => (k.aliasLanguages?.[a] && k.aliasLanguages[a] !== k.language ? `${a}:${k.aliasLanguages[a]}` : a)).join(', '),
    })),
    ...flowFields(c.flow),
    languages: (c.languages ?? ['en']).join(', '),
    texts: Object.keys(otherTexts).length > 0 ? JSON.stringify(otherTexts) : '',
    referrals,
  };
}

/** Rows numbered 0..n-1 in the posted names, up to a limit (gaps are skipped). */
function indexes(body: Record<string, unknown>, prefix: string, limit: number): number[] {
  const seen = new Set<number>();
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d{1,2})\\.`);
  for (const key of Object.keys(body)) {
    const m = re.exec(key);
    if (m) seen.add(Number(m[1]));
  }
  return [...seen].filter((i) => i < limit).sort((a, b) => a - b);
}

export function formFromBody(body: Record<string, unknown>): CampaignForm {
  const get = (name: string) => {
    const v = body[name];
    return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
  };
  // A message posted per language (`….prompt.en`, `….prompt.es`) is one per language; else one text.
  const getMsg = (name: string): MessageValue => {
    const langs = LANGUAGES.filter((l) => body[`${name}.${l}`] !== undefined);
    if (langs.length === 0) return get(name);
    // Boxes left blank mean "not translated": with one text filled in, it is everyone's text.
    const filled = langs.filter((l) => get(`${name}.${l}`).trim() !== '');
    if (filled.length <= 1) return filled.length === 1 ? get(`${name}.${filled[0]}`) : '';
    const out: Partial<Record<Lang, string>> = {};
    for (const l of filled) out[l] = get(`${name}.${l}`);
    return out;
  };
  const keywords = indexes(body, 'keywords', MAX_KEYWORD_ROWS)
    .map((i) => ({ word: get(`keywords.${i}.word`), aliases: get(`keywords.${i}.aliases`), language: get(`keywords.${i}.language`) }))
    .filter((k) => k.word.trim() !== '' || k.aliases.trim() !== '');
  const steps = indexes(body, 'flow.steps', MAX_STEPS).map((i): StepRow => {
    const p = `flow.steps.${i}`;
    return {
      id: get(`${p}.id`), prompt: getMsg(`${p}.prompt`), capture: get(`${p}.capture`), type: get(`${p}.validate.type`),
      reprompt: getMsg(`${p}.reprompt`), outOfRange: getMsg(`${p}.outOfRange`), skippable: get(`${p}.skippable`) !== '',
      onGiveUp: get(`${p}.onGiveUp`), minCents: get(`${p}.validate.minCents`), maxCents: get(`${p}.validate.maxCents`),
      frequency: get(`${p}.validate.frequency`), options: get(`${p}.validate.options`), maxLength: get(`${p}.validate.maxLength`),
      branches: get(`${p}.branches`), next: get(`${p}.next`),
    };
  });
  return {
    name: get('name'), programName: get('programName'), sender: get('sender'), frequency: get('frequency'),
    supportContact: get('supportContact'), helpText: get('helpText'), expiryHours: get('expiryHours'), goalCents: get('goalCents'),
    donationUrl: get('donationUrl'), keywords, steps, completion: getMsg('flow.completion'), giveUp: getMsg('flow.giveUp'), maxAttempts: get('flow.maxAttempts'),
    languages: get('languages'), texts: get('texts'), referrals: referralsFormFromBody(body, get),
  };
}

function move<T>(list: T[], from: number, to: number): T[] {
  if (from < 0 || from >= list.length || to < 0 || to >= list.length) return list;
  const copy = [...list];
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item!);
  return copy;
}

/**
 * The editor's buttons: add-step, remove-step:N, step-up:N, step-down:N, add-keyword,
 * remove-keyword:N. Returns the edited form and the id of the field to focus, or null for an
 * unknown operation.
 */
export function applyEdit(form: CampaignForm, op: string): { form: CampaignForm; focus: string } | null {
  const m = /^(add-step|remove-step|step-up|step-down|add-keyword|remove-keyword)(?::(\d{1,2}))?$/.exec(op);
  if (!m) return null;
  const i = Number(m[2] ?? -1);
  const f = { ...form, keywords: [...form.keywords], steps: [...form.steps] };
  switch (m[1]) {
    case 'add-step':
      if (f.steps.length < MAX_STEPS) f.steps.push(blankStep(f.steps.length + 1));
      return { form: f, focus: `flow.steps.${f.steps.length - 1}.id` };
    case 'remove-step':
      f.steps.splice(i, 1);
      return { form: f, focus: f.steps.length > 0 ? `flow.steps.${Math.min(i, f.steps.length - 1)}.id` : 'add-step' };
    case 'step-up':
      return { form: { ...f, steps: move(f.steps, i, i - 1) }, focus: `flow.steps.${Math.max(0, i - 1)}.id` };
    case 'step-down':
      return { form: { ...f, steps: move(f.steps, i, i + 1) }, focus: `flow.steps.${Math.min(f.steps.length - 1, i + 1)}.id` };
    case 'add-keyword':
      if (f.keywords.length < MAX_KEYWORD_ROWS) f.keywords.push({ word: '', aliases: '', language: '' });
      return { form: f, focus: `keywords.${f.keywords.length - 1}.word` };
    case 'remove-keyword':
      f.keywords.splice(i, 1);
      return { form: f, focus: f.keywords.length > 0 ? `keywords.${Math.min(i, f.keywords.length - 1)}.word` : 'add-keyword' };
    default:
      return null;
  }
}

/** "$2,700.50", "2700.5", "10" → cents; null when it is not an amount. */
export function parseDollars(text: string): number | null {
  const t = text.trim().replace(/^\$/, '').replace(/,/g, '');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(t)) return null;
  const [whole, frac = ''] = t.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

function parseNumber(text: string): number | null {
  const t = text.trim();
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : null;
}

function parseOptions(text: string): { value: string; label?: string; aliases?: string[] }[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((line) => {
      const [value = '', label = '', aliases = ''] = line.split('|').map((p) => p.trim());
      const a = aliases.split(',').map((x) => x.trim()).filter((x) => x !== '');
      return { value, ...(label ? { label } : {}), ...(a.length ? { aliases: a } : {}) };
    });
}

export interface FormConversion {
  input: CampaignInput;
  goalCents: number;
  /** Problems found before the API's own validation (amounts and numbers that do not parse). */
  problems: FieldProblem[];
}

/** The API's campaign body from the form (what POST/PUT /api/campaigns takes). */
export function campaignInputFromForm(form: CampaignForm): FormConversion {
  const problems: FieldProblem[] = [];
  const amount = (text: string, path: string, fallback: number): number => {
    if (text.trim() === '') return fallback;
    const c = parseDollars(text);
    if (c === null) problems.push({ path, message: 'must be a dollar amount like 10 or 2,700' });
    return c ?? fallback;
  };
  const number = (text: string, path: string): number | undefined => {
    if (text.trim() === '') return undefined;
    const n = parseNumber(text);
    if (n === null) problems.push({ path, message: 'must be a number' });
    return n ?? undefined;
  };

  const steps = form.steps.map((s, i) => {
    const p = `flow.steps.${i}`;
    const type = s.type;
    let validate: Record<string, unknown> = { type };
    if (type === 'money') {
      validate = {
        type, minCents: amount(s.minCents, `${p}.validate.minCents`, 100), maxCents: amount(s.maxCents, `${p}.validate.maxCents`, 270_000),
        frequency: s.frequency || 'monthly',
      };
    } else if (type === 'choice') validate = { type, options: parseOptions(s.options) };
    else if (type === 'text') {
      const maxLength = number(s.maxLength, `${p}.validate.maxLength`);
      validate = maxLength === undefined ? { type } : { type, maxLength };
    }
    return {
      id: s.id.trim(), prompt: s.prompt, capture: s.capture.trim(), validate, reprompt: s.reprompt,
      ...(type === 'money' && !messageBlank(s.outOfRange) ? { outOfRange: s.outOfRange } : {}),
      skippable: s.skippable, onGiveUp: s.onGiveUp || 'next',
      ...(s.branches.trim() !== '' ? { branches: parseBranches(s.branches, `${p}.branches`, problems) } : {}),
      ...(s.next.trim() !== '' ? { next: parseRoute(s.next) } : {}),
    };
  });
  const expiryHours = number(form.expiryHours, 'expiryHours');
  const maxAttempts = number(form.maxAttempts, 'flow.maxAttempts');
  const goalCents = amount(form.goalCents, 'goalCents', 0);
  let texts: unknown;
  if ((form.texts ?? '').trim() !== '') {
    try {
      texts = JSON.parse(form.texts!);
    } catch {
      problems.push({ path: 'texts', message: 'must be JSON like { "es": { "help": "…" } }' });
    }
  }
  if (form.referrals) texts = mergeReferralTexts(texts, form.referrals);
  const referrals = form.referrals ? referralsInput(form.referrals, problems) : undefined;
  const input = {
    name: form.name, programName: form.programName, sender: form.sender,
    keywords: form.keywords.map((k) => ({
      word: k.word,
      ...(isLang(k.language?.trim().toLowerCase()) ? { language: k.language!.trim().toLowerCase() } : {}),
      aliases: k.aliases.split(/[\s,]+/).filter((a) => a !== '').map((a) => {
        const m = /^(.+):([a-z]{2})$/i.exec(a);
        return m ? { word: m[1]!, language: m[2]!.toLowerCase() } : a;
      }),
    })),
    languages: formLanguages(form),
    ...(texts !== undefined ? { texts } : {}),
    ...(form.frequency.trim() !== '' ? { frequency: form.frequency } : {}),
    supportContact: form.supportContact,
    helpText: form.helpText.trim() === '' ? null : form.helpText,
    ...(expiryHours !== undefined ? { expiryHours } : {}),
    goalCents,
    donationUrl: form.donationUrl.trim() === '' ? null : form.donationUrl,
    ...(referrals !== undefined ? { referrals } : {}),
    flow: {
      steps,
      completion: form.completion,
      ...(!messageBlank(form.giveUp) ? { giveUp: form.giveUp } : {}),
      ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    },
  } as CampaignInput;
  return { input, goalCents, problems };
}

/** Local problems first; an API problem at the same path as a local one adds nothing. */
export function mergeProblems(local: FieldProblem[], api: FieldProblem[]): FieldProblem[] {
  const seen = new Set(local.map((p) => p.path));
  return [...local, ...api.filter((p) => !seen.has(p.path))];
}
