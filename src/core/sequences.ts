/**
 * Follow-up sequences (issue 14), pure: the definition (`POST /api/sequences`), ISO-8601
 * durations ("PT1H", "P3D", "P1M", down to seconds), when each step of a contact's schedule falls
 * (from the trigger's instant; a monthly step on the same day of the month, clamped to the month's
 * last day), the next instant inside the sending window, and what to do with a due row.
 */
import { z } from 'zod';
import { isOpen, localMinutes, type SendWindow } from './quiet-hours';
import { checkTemplate } from './template';
import { linkProblems, withoutLinks } from './donations';
import { textField } from './text';
import { zodProblems, type ParseResult } from './validation';

export const SEQUENCE_TRIGGERS = ['joined', 'completed', 'pledged'] as const;
export type SequenceTrigger = (typeof SEQUENCE_TRIGGERS)[number];

/** Merge fields of a sequence message ({{link:https://…}} too). */
export const SEQUENCE_FIELDS = ['first_name', 'zip', 'email', 'program', 'sender', 'pledge', 'donation_link'] as const;

export interface Duration {
  months: number;
  ms: number;
}

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

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

const stepSchema = z
  .object({
    after: z.string().refine((s) => parseDuration(s) !== null, 'must be an ISO-8601 duration like PT1H, P3D or P1M (at least one second)'),
    template: textField().trim().min(1, 'must not be empty').max(1400, 'must be at most 1400 characters').optional(),
    flow: z.unknown().optional(),
    /** "monthly": sent again every month on the same day (a reminder: at most one a month; skipped for a month already paid). */
    repeat: z.enum(['monthly']).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.flow !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['flow'], message: 'steps that ask (flow) are not supported yet; use a template' });
      return;
    }
    if (s.template === undefined) {
      ctx.addIssue({ code: 'custom', path: ['template'], message: 'is required' });
      return;
    }
    for (const p of checkTemplate(withoutLinks(s.template), SEQUENCE_FIELDS)) ctx.addIssue({ code: 'custom', path: ['template'], message: p.message });
    for (const message of linkProblems(s.template)) ctx.addIssue({ code: 'custom', path: ['template'], message });
  });

export const sequenceSchema = z
  .object({
    campaignId: z.string().trim().min(1).max(200),
    name: textField().trim().min(1).max(120),
    trigger: z.enum(SEQUENCE_TRIGGERS),
    steps: z.array(stepSchema).min(1, 'must have at least one step').max(20, 'must have at most 20 steps'),
    active: z.boolean().default(true),
  })
  .strict();

export type SequenceSpec = z.output<typeof sequenceSchema>;
export type SequenceStep = SequenceSpec['steps'][number];

export function parseSequence(input: unknown): ParseResult<SequenceSpec> {
  const r = sequenceSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, problems: zodProblems(r.error) };
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
