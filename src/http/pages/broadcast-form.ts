/**
 * The broadcast composer's form model: inputs named by the paths the broadcast API reports
 * problems at (`template`, `audience.zipPrefix`, `audience.campaigns.0`, `sendAt`), and the
 * conversion to the API's body. "Ask a question" turns the message into the first step of a
 * one-question flow (a yes/no RSVP with a reply for each answer, or a multiple choice); the
 * API's `flow.…` problems are mapped back onto the form's own fields (`askPath`).
 */
import type { FieldProblem } from '../../core/validation';

export type AskKind = '' | 'yesno' | 'choice';

/** The question part of the composer (all strings as typed). */
export interface AskFields {
  kind: AskKind;
  /** Where the answer is saved on the contact, e.g. canvass_sat. */
  capture: string;
  /** Choice: one option a line, "value | label". */
  options: string;
  /** Yes/no: the reply to YES and to NO; choice: the reply to any answer. */
  yes: string;
  no: string;
  thanks: string;
  /** Sent when the answer does not fit (blank: generated). */
  reprompt: string;
}
export interface BroadcastForm {
  name: string;
  template: string;
  footer: boolean;
  campaigns: string[];
  keywords: string;
  pledged: '' | 'yes' | 'no';
  completed: '' | 'yes' | 'no';
  zipPrefix: string;
  state: string;
  joinedAfter: string;
  joinedBefore: string;
  /** ISO instant from the browser (JS converts the local date-time), or a typed UTC date-time. */
  sendAt: string;
  ask: AskFields;
}

export function blankAsk(): AskFields {
  return { kind: '', capture: '', options: '', yes: '', no: '', thanks: '', reprompt: '' };
}

export function blankBroadcastForm(campaignIds: string[]): BroadcastForm {
  return {
    name: '', template: '', footer: true, campaigns: campaignIds.slice(0, 1), keywords: '', pledged: '', completed: '',
    zipPrefix: '', state: '', joinedAfter: '', joinedBefore: '', sendAt: '', ask: blankAsk(),
  };
}

const one = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');
const many = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
const tri = (v: unknown): '' | 'yes' | 'no' => (one(v) === 'yes' ? 'yes' : one(v) === 'no' ? 'no' : '');

export function broadcastFormFromBody(b: Record<string, unknown>): BroadcastForm {
  // A datetime-local value without JS has no zone: it is taken as UTC (the label says so).
  const local = one(b.sendAtLocal).trim();
  const sendAt = one(b.sendAt).trim() || (local ? `${local.length === 16 ? `${local}:00` : local}Z` : '');
  return {
    name: one(b.name), template: one(b.template), footer: one(b.footer) !== '', campaigns: many(b['audience.campaigns']),
    keywords: one(b['audience.keywords']), pledged: tri(b['audience.pledged']), completed: tri(b['audience.completed']),
    zipPrefix: one(b['audience.zipPrefix']), state: one(b['audience.state']), joinedAfter: one(b['audience.joinedAfter']),
    joinedBefore: one(b['audience.joinedBefore']), sendAt,
    ask: {
      kind: one(b['ask.kind']) === 'yesno' ? 'yesno' : one(b['ask.kind']) === 'choice' ? 'choice' : '',
      capture: one(b['ask.capture']), options: one(b['ask.options']), yes: one(b['ask.yes']), no: one(b['ask.no']),
      thanks: one(b['ask.thanks']), reprompt: one(b['ask.reprompt']),
    },
  };
}

function parseOptions(text: string): { value: string; label?: string }[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((line) => {
      const [value = '', label = ''] = line.split('|').map((p) => p.trim());
      return { value, ...(label ? { label } : {}) };
    });
}

/** The one-question flow the composer's "ask a question" builds (null: a plain message). */
export function flowFromForm(f: BroadcastForm): Record<string, unknown> | null {
  const a = f.ask;
  if (a.kind === '') return null;
  // After three answers that do not fit, stop asking with a neutral goodbye (not the reply to YES).
  const step: Record<string, unknown> = { id: 'question', prompt: f.template, capture: a.capture.trim(), onGiveUp: 'end' };
  const giveUp = 'No problem, {{first_name|friend}}. Thanks!';
  if (a.kind === 'yesno') {
    return {
      steps: [{
        ...step, validate: { type: 'yesno' }, reprompt: a.reprompt.trim() || 'Sorry, please reply YES or NO.',
        branches: [{ when: 'yes', end: a.yes }, { when: 'no', end: a.no }],
      }],
      completion: a.yes,
      giveUp,
    };
  }
  const options = parseOptions(a.options);
  const numbers = options.length > 1 ? `1-${options.length}` : '1';
  return {
    steps: [{ ...step, validate: { type: 'choice', options }, reprompt: a.reprompt.trim() || `Sorry, please reply with a number ${numbers}.` }],
    completion: a.thanks,
    giveUp,
  };
}

/** The form field a problem of the API's `flow.…` paths belongs to. */
export function askPath(path: string, kind: AskKind): string {
  const map: [RegExp, string][] = [
    [/^flow\.steps\.0\.prompt/, 'template'],
    [/^flow\.steps\.0\.capture/, 'ask.capture'],
    [/^flow\.steps\.0\.validate/, 'ask.options'],
    [/^flow\.steps\.0\.reprompt/, 'ask.reprompt'],
    [/^flow\.steps\.0\.branches\.0/, 'ask.yes'],
    [/^flow\.steps\.0\.branches\.1/, 'ask.no'],
    [/^flow\.completion/, kind === 'choice' ? 'ask.thanks' : 'ask.yes'],
  ];
  for (const [re, to] of map) if (re.test(path)) return to;
  return path;
}

export function askProblems(problems: FieldProblem[], kind: AskKind): FieldProblem[] {
  return problems.map((p) => ({ ...p, path: askPath(p.path, kind) }));
}

/** The audience object the API takes (only the filters that were set). */
export function audienceFromForm(f: BroadcastForm): Record<string, unknown> {
  const a: Record<string, unknown> = { campaigns: f.campaigns };
  const keywords = f.keywords.split(/[\s,]+/).filter((k) => k !== '');
  if (keywords.length > 0) a.keywords = keywords;
  if (f.pledged) a.pledged = f.pledged === 'yes';
  if (f.completed) a.completed = f.completed === 'yes';
  if (f.zipPrefix.trim()) a.zipPrefix = f.zipPrefix.trim();
  if (f.state.trim()) a.state = f.state.trim();
  if (f.joinedAfter.trim()) a.joinedAfter = f.joinedAfter.trim();
  if (f.joinedBefore.trim()) a.joinedBefore = f.joinedBefore.trim();
  return a;
}

/** POST /api/broadcasts body; `withSendAt` for "schedule". */
export function broadcastBody(f: BroadcastForm, withSendAt: boolean): Record<string, unknown> {
  const flow = flowFromForm(f);
  return {
    name: f.name, ...(flow ? { flow } : { template: f.template }), footer: f.footer, audience: audienceFromForm(f),
    ...(withSendAt ? { sendAt: f.sendAt } : {}),
  };
}

/** The audience as the edit form shows it, from a stored broadcast. */
export function broadcastFormFromView(v: { name: string; template: string; footer: boolean; audience: unknown; sendAt: string | null }): BroadcastForm {
  const a = (v.audience ?? {}) as Record<string, unknown>;
  const tf = (x: unknown): '' | 'yes' | 'no' => (x === true ? 'yes' : x === false ? 'no' : '');
  return {
    name: v.name, template: v.template, footer: v.footer, campaigns: Array.isArray(a.campaigns) ? (a.campaigns as string[]) : [],
    keywords: Array.isArray(a.keywords) ? (a.keywords as string[]).join(', ') : '', pledged: tf(a.pledged), completed: tf(a.completed),
    zipPrefix: typeof a.zipPrefix === 'string' ? a.zipPrefix : '', state: typeof a.state === 'string' ? a.state : '',
    joinedAfter: typeof a.joinedAfter === 'string' ? a.joinedAfter.slice(0, 10) : '',
    joinedBefore: typeof a.joinedBefore === 'string' ? a.joinedBefore.slice(0, 10) : '', sendAt: v.sendAt ?? '', ask: blankAsk(),
  };
}
