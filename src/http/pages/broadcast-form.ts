/**
 * The broadcast composer's form model: inputs named by the paths the broadcast API reports
 * problems at (`template`, `audience.zipPrefix`, `audience.campaigns.0`, `sendAt`), and the
 * conversion to the API's body.
 */
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
}

export function blankBroadcastForm(campaignIds: string[]): BroadcastForm {
  return {
    name: '', template: '', footer: true, campaigns: campaignIds.slice(0, 1), keywords: '', pledged: '', completed: '',
    zipPrefix: '', state: '', joinedAfter: '', joinedBefore: '', sendAt: '',
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
  };
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
  return {
    name: f.name, template: f.template, footer: f.footer, audience: audienceFromForm(f),
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
    joinedBefore: typeof a.joinedBefore === 'string' ? a.joinedBefore.slice(0, 10) : '', sendAt: v.sendAt ?? '',
  };
}
