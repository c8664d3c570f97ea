/**
 * Follow-up sequences (issue 14), pure: the definition (`POST /api/sequences`), ISO-8601
 * durations ("PT1H", "P3D", "P1M", down to seconds), when each step of a contact's schedule falls
 * (from the trigger's instant; a monthly step on the same day of the month, clamped to the month's
 * last day), the next instant inside the sending window, and what to do with a due row.
 *
 * A sequence may also be timed from a date the contact carries (`trigger: "date"`, `field`), as
 * RapidPro's campaign events are: each step is an offset from that date ("-P1D" the day before,
 * "P0D" on the day, "P1W" a week after) delivered at an hour of the recipient's own day (`hour`,
 * 0-23, default 9: RapidPro's delivery hour), once per value of the date; a changed date
 * reschedules what was not sent yet, and a step already in the past when the date is learnt is not
 * sent. Not annual (RapidPro's events are not either): a yearly message needs next year's date.
 */
import { z } from 'zod';
import { isOpen, localMinutes, type SendWindow } from './quiet-hours';
import { checkTemplate } from './template';
import { linkProblems, withoutLinks } from './donations';
import { textField } from './text';
import { zodProblems, type ParseResult } from './validation';
import { makeFlowSchema, type Flow } from './flow';
import { flowMessages } from './flow-messages';
import { isTranslated } from './language';

export const SEQUENCE_TRIGGERS = ['joined', 'completed', 'pledged', 'date'] as const;
export type SequenceTrigger = (typeof SEQUENCE_TRIGGERS)[number];
/** The triggers that are events (the inbound text that joins, completes or pledges starts the schedule). */
export type EventTrigger = Exclude<SequenceTrigger, 'date'>;

/** The delivery hour of a date-timed step when the sequence does not say (recipient's local time). */
export const DEFAULT_DELIVERY_HOUR = 9;
/** Where a date-timed step is delivered for a contact whose zone is unknown (quiet hours still apply). */
export const FALLBACK_ZONE = 'America/New_York';

/** Merge fields of a sequence message ({{link:https://…}} too). */
export const SEQUENCE_FIELDS = ['first_name', 'zip', 'email', 'program', 'sender', 'pledge', 'donation_link'] as const;

export interface Duration {
  months: number;
  ms: number;
}

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * A date-timed step's offset: a duration with an optional sign, zero allowed ("-P1D", "P0D",
 * "P2W", "-PT2H"); null when it is not one. Its parts are negative for a time before the date.
 */
export function parseOffset(s: string): Duration | null {
  const negative = s.startsWith('-');
  const body = negative || s.startsWith('+') ? s.slice(1) : s;
  if (/^P(?:0+[YMWD])?(?:T0+[HMS])?$/.test(body) && body !== 'P' && !body.endsWith('T')) return { months: 0, ms: 0 };
  const d = parseDuration(body);
  if (!d) return null;
  return negative ? { months: -d.months, ms: -d.ms } : d;
}

/** "P1M", "P3D", "PT1H", "PT30S", "P1DT12H"; null when it is not one (or is zero). */
export function parseDuration(s: string): Duration | null {
  const m = DURATION.exec(s);
  if (!m || s === 'P' || s.endsWith('T')) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  const months = n(1) * 12 + n(2);
  const ms = ((n(3) * 7 + n(4)) * 86_400 + n(5) * 3_600 + n(6) * 60 + n(7)) * 1000;
  if (months === 0 && ms === 0) return null;
  if (months > 120 || ms > 3650 * 86_400_000) return null;
  return { months, ms: Math.round(ms) };
}

/** The same day of the month `months` later (Jan 31 + 1 month = Feb 28/29), same time of day (UTC). */
export function addMonths(at: Date, months: number): Date {
  if (months === 0) return new Date(at.getTime());
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(at.getUTCDate(), lastDay), at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds(), at.getUTCMilliseconds()));
}

/**
 * A step that asks: a flow (the same steps, validators and branches as a campaign's, as a
 * broadcast that asks has) whose first step's prompt is the message sent, so it takes the
 * sequence's merge fields. The reply resumes that flow (the conversation is opened when the
 * message is handed to the outbox). One language, as a broadcast's question.
 */
export const sequenceFlowSchema = makeFlowSchema({ firstPromptFields: SEQUENCE_FIELDS, minSteps: 1 });

const DURATION_MESSAGE = 'must be an ISO-8601 duration like PT1H, P3D or P1M (at least one second; with trigger "date", an offset like -P1D or P0D)';

const stepSchema = z
  .object({
    // A duration, or for trigger "date" a signed offset; which one the trigger takes is checked in the sequence's refinement.
    after: z.string().max(40).refine((s) => parseOffset(s) !== null, DURATION_MESSAGE),
    /** Date-timed steps: the hour of the recipient's day it is delivered (0-23; default 9). */
    hour: z.number().int('must be a whole hour').min(0, 'must be 0-23').max(23, 'must be 0-23').optional(),
    template: textField().trim().min(1, 'must not be empty').max(1400, 'must be at most 1400 characters').optional(),
    flow: z.unknown().optional(),
    /** "monthly": sent again every month on the same day (a reminder: at most one a month; skipped for a month already paid). */
    repeat: z.enum(['monthly']).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.flow !== undefined) {
      if (s.template !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['template'], message: 'give a template or a flow, not both (a flow\'s first prompt is the message)' });
        return;
      }
      const r = sequenceFlowSchema.safeParse(s.flow);
      if (!r.success) {
        for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: ['flow', ...i.path], message: i.message });
        return;
      }
      for (const m of flowMessages(r.data)) {
        if (isTranslated(m.message)) ctx.addIssue({ code: 'custom', path: ['flow', ...m.path], message: "a sequence's question is in one language: give a plain string" });
      }
      return;
    }
    if (s.template === undefined) {
      ctx.addIssue({ code: 'custom', path: ['template'], message: 'is required' });
      return;
    }
    for (const p of checkTemplate(withoutLinks(s.template), SEQUENCE_FIELDS)) ctx.addIssue({ code: 'custom', path: ['template'], message: p.message });
    for (const message of linkProblems(s.template)) ctx.addIssue({ code: 'custom', path: ['template'], message });
  });

/** A contact field a date-timed sequence reads (a flow's capture name; not a contact column, which holds no date). */
const dateField = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower-case letters, digits or _ (max 40): the capture name of the flow step that asks for the date')
  .refine((f) => !['first_name', 'zip', 'email', 'pledge'].includes(f), 'names a field that holds no date; use the capture name of a date step');

export const sequenceSchema = z
  .object({
    campaignId: z.string().trim().min(1).max(200),
    name: textField().trim().min(1).max(120),
    trigger: z.enum(SEQUENCE_TRIGGERS),
    /** `trigger: "date"`: the contact field holding the date (required then, refused otherwise). */
    field: dateField.optional(),
    steps: z.array(stepSchema).min(1, 'must have at least one step').max(20, 'must have at most 20 steps'),
    active: z.boolean().default(true),
  })
  .strict()
  .superRefine((s, ctx) => {
    const dated = s.trigger === 'date';
    if (dated && s.field === undefined) ctx.addIssue({ code: 'custom', path: ['field'], message: 'is required with trigger "date" (the contact field holding the date)' });
    if (!dated && s.field !== undefined) ctx.addIssue({ code: 'custom', path: ['field'], message: 'is only for trigger "date"' });
    s.steps.forEach((step, i) => {
      if (dated) {
        if (step.repeat !== undefined) ctx.addIssue({ code: 'custom', path: ['steps', i, 'repeat'], message: 'is not for trigger "date": a date-timed step is sent once per date' });
      } else {
        // A signed or zero offset is only for dates (the step-level check let it through).
        if (parseDuration(step.after) === null && parseOffset(step.after) !== null) {
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'after'], message: 'must be an ISO-8601 duration like PT1H, P3D or P1M (at least one second); signed and zero offsets are for trigger "date"' });
        }
        if (step.hour !== undefined) ctx.addIssue({ code: 'custom', path: ['steps', i, 'hour'], message: 'is only for trigger "date"' });
      }
    });
  });

export type SequenceSpec = z.output<typeof sequenceSchema>;
export type SequenceStep = SequenceSpec['steps'][number];

/** A step's flow as saved (validated when the sequence was saved); null for a template step or one that no longer parses. */
export function stepFlow(step: SequenceStep | undefined): Flow | null {
  if (!step || step.flow === undefined) return null;
  const r = sequenceFlowSchema.safeParse(step.flow);
  return r.success ? r.data : null;
}

export function parseSequence(input: unknown): ParseResult<SequenceSpec> {
  const r = sequenceSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, problems: zodProblems(r.error) };
}

/** The calendar day a date field holds ("2027-03-14", or the UTC day of an instant); null when it holds no date. */
export function dateOfField(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const s = value.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/i.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1900 || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return null;
  if (s.length > 10) {
    const t = Date.parse(s.replace(' ', 'T'));
    if (Number.isNaN(t)) return null;
    return new Date(t).toISOString().slice(0, 10);
  }
  return s.slice(0, 10);
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes `zone` is ahead of UTC at `at` (negative west of Greenwich). */
function zoneOffsetMinutes(zone: string, at: number): number {
  let f = offsetFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    offsetFormatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(at))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!);
  return Math.round((wall - Math.floor(at / 60_000) * 60_000) / 60_000);
}

/** The instant a wall-clock time (given as if it were UTC) happens in `zone`. */
export function wallClockToInstant(wall: number, zone: string): Date {
  const first = zoneOffsetMinutes(zone, wall);
  let t = wall - first * 60_000;
  const second = zoneOffsetMinutes(zone, t);
  if (second !== first) t = wall - second * 60_000;
  return new Date(t);
}

/**
 * When a date-timed step falls for a contact: the date moved by the offset's months (same day,
 * clamped to the month's end), at the delivery hour of the recipient's day, moved by the offset's
 * days and hours; in the recipient's zone (unknown: FALLBACK_ZONE).
 */
export function dateStepDue(day: string, step: Pick<SequenceStep, 'after' | 'hour'>, zone: string): Date {
  const offset = parseOffset(step.after) ?? { months: 0, ms: 0 };
  const base = addMonths(new Date(`${day}T00:00:00.000Z`), offset.months);
  const wall = base.getTime() + (step.hour ?? DEFAULT_DELIVERY_HOUR) * 3_600_000 + offset.ms;
  return wallClockToInstant(wall, zone || FALLBACK_ZONE);
}

/** When occurrence `occurrence` of `step` falls for a contact whose trigger happened at `anchor`. */
export function dueAt(anchor: Date, step: Pick<SequenceStep, 'after' | 'repeat'>, occurrence = 0): Date {
  const d = parseDuration(step.after)!;
  const extra = step.repeat === 'monthly' ? occurrence : 0;
  return new Date(addMonths(anchor, d.months + extra).getTime() + d.ms);
}

/**
 * The first instant at or after `at` inside the sending window in `zone` (whole minutes; at most
 * a day ahead). No window: `at` itself.
 */
export function nextOpen(window: SendWindow | null, zone: string, at: Date): Date {
  if (isOpen(window, zone, at)) return at;
  const start = Math.floor(at.getTime() / 60_000) * 60_000;
  // Jump to the window's start in that zone when known; else (unknown zone: the strictest window) step by 15 minutes.
  if (window && zone !== '') {
    const [h, m] = window.start.split(':').map(Number) as [number, number];
    const wait = (h * 60 + m - localMinutes(zone, at) + 1440) % 1440;
    const candidate = new Date(start + wait * 60_000);
    if (isOpen(window, zone, candidate)) return candidate;
  }
  for (let t = start + 60_000; t <= start + 86_400_000; t += 15 * 60_000) {
    if (isOpen(window, zone, new Date(t))) return new Date(t);
  }
  return new Date(start + 86_400_000);
}

/** What the scheduler does with a due row, decided from what it read in the claim's transaction. */
export type DueDecision =
  | { kind: 'send' }
  | { kind: 'skip'; reason: 'sequence_deleted' | 'step_removed' | 'opted_out' | 'undeliverable' | 'paused' | 'paid' }
  | { kind: 'wait'; until: Date };

export interface DueFacts {
  now: Date;
  step: SequenceStep | undefined;
  sequenceActive: boolean;
  trigger: SequenceTrigger;
  contactStatus: string;
  undeliverable: boolean;
  /** PAUSE / SKIP: no reminders until then. */
  pausedUntil: Date | null;
  /** The month (YYYY-MM) of the contact's latest pledge to the campaign that a payment fell in, latest first. */
  paidThisMonth: boolean;
  zone: string;
  window: SendWindow | null;
}

export function decideDue(f: DueFacts): DueDecision {
  if (!f.sequenceActive) return { kind: 'skip', reason: 'sequence_deleted' };
  if (!f.step) return { kind: 'skip', reason: 'step_removed' };
  if (f.contactStatus === 'opted_out') return { kind: 'skip', reason: 'opted_out' };
  if (f.undeliverable) return { kind: 'skip', reason: 'undeliverable' };
  const reminder = f.step.repeat === 'monthly';
  if (f.pausedUntil && f.pausedUntil > f.now) return reminder ? { kind: 'skip', reason: 'paused' } : { kind: 'wait', until: f.pausedUntil };
  if (reminder && f.trigger === 'pledged' && f.paidThisMonth) return { kind: 'skip', reason: 'paid' };
  const open = nextOpen(f.window, f.zone, f.now);
  if (open.getTime() > f.now.getTime()) return { kind: 'wait', until: open };
  return { kind: 'send' };
}
