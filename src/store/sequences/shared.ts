/**
 * Follow-up sequences (both engines). A contact's schedule rows are made in the transaction of the
 * event that triggers them (the inbound text that joins, completes or pledges: `scheduleWork`);
 * the dispatcher's scheduler claims due rows (`runDue`; FOR UPDATE SKIP LOCKED on PostgreSQL) and,
 * in the same transaction, writes each message to the outbox through the opt-out gate and marks
 * the row sent, skipped or deferred. So a restart loses nothing and sends nothing twice: a row is
 * either still scheduled (no outbox row) or done (its outbox row exists), never in between.
 */
import { sql, type Kysely } from 'kysely';
import { composeBody } from '../../core/broadcast-template';
import { linkPath, linkTargets, replaceLinks, shortCode } from '../../core/donations';
import { formatCents } from '../../core/money';
import { zoneForContact } from '../../core/quiet-hours';
import {
  dateOfField, dateStepDue, decideDue, dueAt, sequenceLanguageProblems, stepFlow, stepTextFor, type EventTrigger, type SequenceSpec, type SequenceStep, type SequenceTrigger,
} from '../../core/sequences';
import { renderTemplate } from '../../core/template';
import { textIn } from '../../core/language';
import { HOUR_MS } from '../../core/clock';
import { ASK_QUERIES } from '../broadcasts/conversations';
import { bumpVersion, languagesOfRow } from '../campaigns/shared';
import { AppError } from '../../shared/errors';
import type { DB } from '../database';
import { engineOf } from '../dialect';
import { enqueueOutboundWork } from '../outbox/gate';
import { param, query } from '../query';
import { all, exec, first, get, list, run, type Runner, type Work } from '../work';
import type { DueReport, DueRun, ScheduleEntry, SequenceCounts, SequencesRepository, SequenceView } from './repository';
import type { SequencesTable } from '../pledges/tables';

const ACTIVE_FOR = query<{ id: string; steps: string }, { campaignId: string; trigger: string }>((k) =>
  k.selectFrom('sequences').select(['id', 'steps']).where('campaign_id', '=', param<string>('campaignId'))
    .where('trigger_event', '=', param<SequenceTrigger>('trigger')).where('active', '=', sql.lit(1)),
);

const ACTIVE_DATE_FOR = query<{ id: string; steps: string }, { campaignId: string; field: string }>((k) =>
  k.selectFrom('sequences').select(['id', 'steps']).where('campaign_id', '=', param<string>('campaignId'))
    .where('trigger_event', '=', sql.lit('date')).where('date_field', '=', param<string>('field')).where('active', '=', sql.lit(1)),
);

/** The latest date a contact's date-timed schedule was made from (its occurrence numbers one value of the date). */
const LAST_ANCHOR = query<{ anchor_at: string; occurrence: number }, { sequenceId: string; contactId: string }>((k) =>
  k.selectFrom('sequence_schedule').select(['anchor_at', 'occurrence']).where('sequence_id', '=', param<string>('sequenceId'))
    .where('contact_id', '=', param<string>('contactId')).orderBy('occurrence', 'desc').limit(1),
);

const SKIP_PENDING = query<unknown, { sequenceId: string; contactId: string; reason: string; at: string }>((k) =>
  k.updateTable('sequence_schedule').set({ status: sql.lit('skipped'), reason: param('reason'), updated_at: param('at') })
    .where('sequence_id', '=', param<string>('sequenceId')).where('contact_id', '=', param<string>('contactId')).where('status', '=', sql.lit('scheduled')),
);

const INSERT_ROW = query<unknown, { id: string; sequenceId: string; contactId: string; step: number; occurrence: number; anchor: string; due: string; at: string }>((k) =>
  k.insertInto('sequence_schedule').values({
    id: param('id'), sequence_id: param('sequenceId'), contact_id: param('contactId'), step_index: param('step'), occurrence: param('occurrence'),
    anchor_at: param('anchor'), due_at: param('due'), status: sql.lit('scheduled'), updated_at: param('at'),
  }).onConflict((oc) => oc.columns(['sequence_id', 'contact_id', 'step_index', 'occurrence']).doNothing()),
);

const CANCEL_CONTACT = query<unknown, { contactId: string; at: string }>((k) =>
  k.updateTable('sequence_schedule').set({ status: sql.lit('skipped'), reason: sql.lit('opted_out'), updated_at: param('at') })
    .where('contact_id', '=', param<string>('contactId')).where('status', '=', sql.lit('scheduled')),
);

const PAUSE = query<unknown, { contactId: string; until: string; at: string }>((k) =>
  k.insertInto('reminder_pauses').values({ contact_id: param<string>('contactId'), until_at: param<string>('until'), at: param<string>('at') })
    .onConflict((oc) => oc.column('contact_id').doUpdateSet({ until_at: param<string>('until'), at: param<string>('at') })),
);

const steps = (json: string) => JSON.parse(json) as SequenceStep[];

/**
 * A trigger happened for a contact on a campaign: every active sequence of that campaign and
 * trigger gets its rows (each step, and the first occurrence of a monthly one). A second trigger
 * (joining again) leaves an existing schedule as it is.
 */
export function* scheduleWork(contactId: string, campaignId: string, trigger: EventTrigger, at: string, newId: () => string): Work<number> {
  let n = 0;
  const anchor = new Date(at);
  for (const s of yield* list(ACTIVE_FOR, { campaignId, trigger })) {
    for (const [i, step] of steps(s.steps).entries()) {
      n += yield* exec(INSERT_ROW, {
        id: newId(), sequenceId: s.id, contactId, step: i, occurrence: 0, anchor: at, due: dueAt(anchor, step, 0).toISOString(), at,
      });
    }
  }
  return n;
}

/**
 * A contact's date field has a value (`day`, "2027-03-14"): every active date-timed sequence of the
 * campaign reading that field gets the contact's rows, timed from it in the contact's zone. The
 * same date again changes nothing; a new date skips what was not sent of the old one and starts
 * a new occurrence. A step already past is not sent (as RapidPro's events). Returns rows made.
 */
export function* scheduleDateWork(
  contactId: string, campaignId: string, field: string, day: string, zone: string, at: string, newId: () => string,
): Work<number> {
  let n = 0;
  for (const s of yield* list(ACTIVE_DATE_FOR, { campaignId, field })) n += yield* scheduleDateFor(s, contactId, day, zone, at, newId);
  return n;
}

function* scheduleDateFor(
  s: { id: string; steps: string }, contactId: string, day: string, zone: string, at: string, newId: () => string, fresh = false,
): Work<number> {
  const anchor = `${day}T00:00:00.000Z`;
  const last = yield* get(LAST_ANCHOR, { sequenceId: s.id, contactId });
  // `fresh`: the sequence is now timed from another field, so an equal date is still a new schedule.
  if (last && last.anchor_at === anchor && !fresh) return 0;
  if (last) yield* exec(SKIP_PENDING, { sequenceId: s.id, contactId, reason: 'date_changed', at });
  const occurrence = last ? Number(last.occurrence) + 1 : 0;
  let n = 0;
  for (const [i, step] of steps(s.steps).entries()) {
    const due = dateStepDue(day, step, zone);
    if (due.toISOString() < at) continue;
    n += yield* exec(INSERT_ROW, { id: newId(), sequenceId: s.id, contactId, step: i, occurrence, anchor, due: due.toISOString(), at });
  }
  return n;
}

/**
 * A date-timed sequence saved (or its field changed): every member of its campaign who already
 * has the date gets a schedule (opted-out numbers none). The field is found in the contacts'
 * custom fields (JSON) by a LIKE prefilter both engines run, then read as JSON here.
 */
function* backfillDateWork(
  k: Kysely<DB>, s: { id: string; steps: string }, campaignId: string, field: string, at: string, newId: () => string, fresh = false,
): Work<number> {
  const rows = yield* all(
    k.selectFrom('campaign_members as m').innerJoin('contacts as c', 'c.id', 'm.contact_id')
      .select(['c.id', 'c.fields', 'c.zip', 'c.phone'])
      .where('m.campaign_id', '=', campaignId).where('c.status', '!=', 'opted_out').where('c.fields', 'like', `%"${field}"%`),
  );
  let n = 0;
  for (const r of rows) {
    let value: unknown;
    try {
      value = (JSON.parse(r.fields) as Record<string, unknown>)[field];
    } catch {
      continue;
    }
    const day = dateOfField(value);
    if (day) n += yield* scheduleDateFor(s, r.id, day, zoneForContact({ zip: r.zip, phone: r.phone }), at, newId, fresh);
  }
  return n;
}

/** STOP: nothing scheduled for this contact is sent, even if they opt in again. */
export function* cancelWork(contactId: string, at: string): Work<void> {
  yield* exec(CANCEL_CONTACT, { contactId, at });
}

/** PAUSE / SKIP: reminders wait until `until`. */
export function* pauseWork(contactId: string, until: string, at: string): Work<void> {
  yield* exec(PAUSE, { contactId, until, at });
}

type DueRow = {
  id: string; sequence_id: string; contact_id: string; step_index: number; occurrence: number; anchor_at: string;
  steps: string; active: number; trigger_event: SequenceTrigger; campaign_id: string;
  status: string; undeliverable: number; zip: string | null; phone: string; first_name: string | null; email: string | null;
  program_name: string | null; sender: string | null; donation_url: string | null; until_at: string | null; expiry_hours: number | null;
  /** The contact's language, and the campaign's (JSON list, default first; null when the campaign row is gone). */
  language: string | null; languages: string | null;
};

function dueQuery(k: Kysely<DB>) {
  const q = k.selectFrom('sequence_schedule as s')
    .innerJoin('sequences as q', 'q.id', 's.sequence_id')
    .innerJoin('contacts as c', 'c.id', 's.contact_id')
    .leftJoin('campaigns as ca', 'ca.id', 'q.campaign_id')
    .leftJoin('reminder_pauses as rp', 'rp.contact_id', 's.contact_id')
    .select([
      's.id', 's.sequence_id', 's.contact_id', 's.step_index', 's.occurrence', 's.anchor_at', 'q.steps', 'q.active', 'q.trigger_event', 'q.campaign_id',
      'c.status', 'c.undeliverable', 'c.zip', 'c.phone', 'c.first_name', 'c.email', 'ca.program_name', 'ca.sender', 'ca.donation_url', 'rp.until_at', 'ca.expiry_hours',
      'c.language', 'ca.languages',
    ])
    .where('s.status', '=', sql.lit('scheduled'))
    .where('s.due_at', '<=', param<string>('now'))
    .orderBy('s.due_at').orderBy('s.id')
    .limit(param<number>('limit'));
  // Dispatchers on several hosts each take rows no other holds, without waiting (as outbox claims do).
  return engineOf(k) === 'postgres' ? q.forUpdate('s').skipLocked() : q;
}
const DUE = query<DueRow, { now: string; limit: number }>((k) => dueQuery(k));

const LATEST_PLEDGE = query<{ id: string; amount_cents: number; status: string }, { contactId: string; campaignId: string }>((k) =>
  k.selectFrom('pledges').select(['id', 'amount_cents', 'status']).where('contact_id', '=', param<string>('contactId'))
    .where('campaign_id', '=', param<string>('campaignId')).orderBy(sql`rowid`, 'desc').limit(1),
);

const PAID_IN_MONTH = query<{ n: number }, { pledgeId: string; from: string; to: string }>((k) =>
  k.selectFrom('donations').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_cents'), eb.lit(0)).as('n'))
    .where('pledge_id', '=', param<string>('pledgeId')).where('paid_at', '>=', param<string>('from')).where('paid_at', '<', param<string>('to')),
);

const MARK = query<unknown, { id: string; status: 'sent' | 'skipped'; reason: string | null; outboundId: string | null; at: string }>((k) =>
  k.updateTable('sequence_schedule').set({ status: param('status'), reason: param('reason'), outbound_id: param('outboundId'), updated_at: param('at') })
    .where('id', '=', param<string>('id')),
);

const DEFER = query<unknown, { id: string; due: string; at: string }>((k) =>
  k.updateTable('sequence_schedule').set({ due_at: param('due'), updated_at: param('at') }).where('id', '=', param<string>('id')),
);

const INSERT_DONATION_LINK = query<unknown, { code: string; campaignId: string; contactId: string; pledgeId: string | null; sequenceId: string; at: string }>((k) =>
  k.insertInto('tracked_links').values({
    code: param('code'), kind: sql.lit('donation'), campaign_id: param('campaignId'), contact_id: param('contactId'), pledge_id: param('pledgeId'),
    sequence_id: param('sequenceId'), clicks: sql.lit(0), created_at: param('at'),
  }),
);

const SEQUENCE_LINK = query<{ code: string }, { sequenceId: string; target: string }>((k) =>
  k.selectFrom('tracked_links').select('code').where('sequence_id', '=', param<string>('sequenceId')).where('kind', '=', sql.lit('url'))
    .where('target', '=', param<string>('target')),
);

const INSERT_URL_LINK = query<unknown, { code: string; campaignId: string; sequenceId: string; target: string; at: string }>((k) =>
  k.insertInto('tracked_links').values({
    code: param('code'), kind: sql.lit('url'), target: param('target'), campaign_id: param('campaignId'), sequence_id: param('sequenceId'),
    clicks: sql.lit(0), created_at: param('at'),
  }),
);

const LINK_ASK = query<unknown, { conversation: string; sequenceId: string; step: number; contactId: string; flow: string; at: string }>((k) =>
  k.insertInto('sequence_conversations').values({
    conversation_id: param('conversation'), sequence_id: param('sequenceId'), step_index: param('step'), contact_id: param('contactId'), flow: param('flow'),
    created_at: param('at'),
  }),
);

/**
 * A step that asks: its message went to the outbox (through the gate), so the contact's newest
 * question on that sender is this one. As a broadcast that asks (store/broadcasts/conversations.ts,
 * the same statements): their waiting conversation there is interrupted and one is opened on the
 * step's flow, waiting on its first step; the reply resumes it (the inbound snapshot reads the
 * flow from sequence_conversations). Opened when the message is queued, not when Twilio accepts
 * it: a sequence message has no recipient row to hang that on; a send that fails leaves a
 * question waiting until the campaign's expiry.
 */
function* openStepConversation(row: DueRow, flow: string, newId: () => string, at: string): Work<void> {
  if (!row.sender) return;
  yield* exec(ASK_QUERIES.interruptWaiting, { contact: row.contact_id, sender: row.sender, now: at });
  const id = newId();
  const expires = new Date(Date.parse(at) + Number(row.expiry_hours ?? 24) * HOUR_MS).toISOString();
  yield* exec(ASK_QUERIES.insertConversation, { id, contact: row.contact_id, campaign: row.campaign_id, sender: row.sender, keyword: '', expires, now: at });
  yield* exec(LINK_ASK, { conversation: id, sequenceId: row.sequence_id, step: row.step_index, contactId: row.contact_id, flow, at });
}

const LINK_SENT = query<unknown, { id: string }>((k) =>
  k.updateTable('pledges').set({ status: sql.lit('link_sent') }).where('id', '=', param<string>('id')).where('status', '=', sql.lit('pledged')),
);

function monthBounds(at: Date): { from: string; to: string } {
  const from = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const to = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return { from: from.toISOString(), to: to.toISOString() };
}

function* runDueWork(r: DueRun): Work<DueReport> {
  const at = r.now.toISOString();
  const report: DueReport = { claimed: 0, queued: 0, skipped: 0, deferred: 0 };
  const parsed = new Map<string, SequenceStep[]>();
  for (const row of yield* list(DUE, { now: at, limit: r.limit })) {
    report.claimed++;
    let defs = parsed.get(row.sequence_id);
    if (!defs) parsed.set(row.sequence_id, (defs = steps(row.steps)));
    const step = defs[row.step_index];
    const pledge = yield* get(LATEST_PLEDGE, { contactId: row.contact_id, campaignId: row.campaign_id });
    let paidThisMonth = false;
    if (pledge && step?.repeat === 'monthly') paidThisMonth = Number((yield* get(PAID_IN_MONTH, { pledgeId: pledge.id, ...monthBounds(r.now) }))?.n ?? 0) > 0;
    const decision = decideDue({
      now: r.now, step, sequenceActive: row.active === 1, trigger: row.trigger_event, contactStatus: row.status, undeliverable: row.undeliverable === 1,
      pausedUntil: row.until_at ? new Date(row.until_at) : null, paidThisMonth, zone: zoneForContact({ zip: row.zip, phone: row.phone }), window: r.window,
    });
    if (decision.kind === 'wait') {
      yield* exec(DEFER, { id: row.id, due: decision.until.toISOString(), at });
      report.deferred++;
      continue;
    }
    if (decision.kind === 'skip') {
      yield* exec(MARK, { id: row.id, status: 'skipped', reason: decision.reason, outboundId: null, at });
      report.skipped++;
    } else {
      // A step that asks sends its flow's first prompt (one language) and opens a conversation on the flow.
      const flow = stepFlow(step);
      // A template step is in the recipient's language (theirs when the campaign lists it, else its default).
      const text = flow ? textIn(flow.steps[0]!.prompt, 'en') : stepTextFor(step!, row.language, languagesOfRow({ languages: row.languages ?? '' }));
      const body = yield* renderWork(row, step!, text, pledge ?? null, r, at);
      const out = yield* enqueueOutboundWork(
        { contactId: row.contact_id, campaignId: row.campaign_id, inboundId: null, position: 0, kind: 'system', purpose: 'broadcast', body, delivery: 'queued' },
        r.newId, at,
      );
      yield* exec(MARK, { id: row.id, status: out.accepted ? 'sent' : 'skipped', reason: out.accepted ? null : 'suppressed', outboundId: out.id, at });
      if (out.accepted && flow) yield* openStepConversation(row, JSON.stringify(flow), r.newId, at);
      if (out.accepted) report.queued++;
      else report.skipped++;
    }
    // A monthly step's next month, from the anchor (the pledge day), whatever happened to this one.
    const goesOn = step?.repeat === 'monthly' && (decision.kind === 'send' || decision.reason === 'paused' || decision.reason === 'paid');
    if (goesOn) {
      yield* exec(INSERT_ROW, {
        id: r.newId(), sequenceId: row.sequence_id, contactId: row.contact_id, step: row.step_index, occurrence: row.occurrence + 1, anchor: row.anchor_at,
        due: dueAt(new Date(row.anchor_at), step, row.occurrence + 1).toISOString(), at,
      });
    }
  }
  return report;
}

/** The message for one contact: merge fields, tracked links (the donation link is theirs; {{link:…}} is the sequence's), the footer. */
function* renderWork(
  row: DueRow, _step: SequenceStep, text: string, pledge: { id: string; amount_cents: number; status: string } | null, r: DueRun, at: string,
): Work<string> {
  let template = text;
  for (const target of linkTargets(template)) {
    let code = (yield* get(SEQUENCE_LINK, { sequenceId: row.sequence_id, target }))?.code;
    if (!code) {
      code = shortCode(r.newId());
      yield* exec(INSERT_URL_LINK, { code, campaignId: row.campaign_id, sequenceId: row.sequence_id, target, at });
    }
    const url = `${r.linkBase}${linkPath(code)}`;
    template = replaceLinks(template, (u) => (u === target ? url : `{{link:${u}}}`));
  }
  let donationLink: string | null = null;
  if (row.donation_url && /\{\{\s*donation_link/.test(template)) {
    const code = shortCode(r.newId());
    yield* exec(INSERT_DONATION_LINK, { code, campaignId: row.campaign_id, contactId: row.contact_id, pledgeId: pledge?.id ?? null, sequenceId: row.sequence_id, at });
    if (pledge) yield* exec(LINK_SENT, { id: pledge.id });
    donationLink = `${r.linkBase}${linkPath(code)}`;
  }
  const body = renderTemplate(template, {
    first_name: row.first_name, zip: row.zip, email: row.email, program: row.program_name, sender: row.sender,
    pledge: pledge ? formatCents(Number(pledge.amount_cents)) : null, donation_link: donationLink,
  });
  return composeBody(body, r.footer);
}

function* countsOf(k: Kysely<DB>, id: string): Work<{ counts: SequenceCounts; next: string | null }> {
  const rows = yield* all(
    k.selectFrom('sequence_schedule').select((eb) => ['status', eb.fn.countAll<number>().as('n'), eb.fn.min('due_at').as('next')])
      .where('sequence_id', '=', id).groupBy('status'),
  );
  const counts: SequenceCounts = { scheduled: 0, sent: 0, skipped: 0 };
  let next: string | null = null;
  for (const r of rows) {
    counts[r.status] = Number(r.n);
    if (r.status === 'scheduled') next = (r.next as string | null) ?? null;
  }
  return { counts, next };
}

function* viewWork(k: Kysely<DB>, row: SequencesTable): Work<SequenceView> {
  const c = yield* countsOf(k, row.id);
  return {
    id: row.id, campaignId: row.campaign_id, name: row.name, trigger: row.trigger_event, ...(row.date_field ? { field: row.date_field } : {}),
    steps: steps(row.steps), active: row.active === 1,
    createdAt: row.created_at, updatedAt: row.updated_at, counts: c.counts, nextDueAt: c.next,
  };
}

function* mustFind(k: Kysely<DB>, id: string): Work<SequencesTable> {
  const row = yield* first(k.selectFrom('sequences').selectAll().where('id', '=', id));
  if (!row) throw new AppError('not_found', `sequence ${id} not found`);
  return row;
}

/** The sequence's campaign exists, and its translated messages match the campaign's languages. */
function* assertCampaign(k: Kysely<DB>, spec: Pick<SequenceSpec, 'campaignId' | 'steps'>): Work<void> {
  const c = yield* first(k.selectFrom('campaigns').select(['id', 'languages']).where('id', '=', spec.campaignId));
  if (!c) {
    throw new AppError('validation_failed', 'request body is invalid', [{ path: 'campaignId', message: `campaign ${spec.campaignId} not found` }]);
  }
  const problems = sequenceLanguageProblems(spec, languagesOfRow(c));
  if (problems.length > 0) throw new AppError('validation_failed', 'request body is invalid', problems);
}

export class SequencesStore implements SequencesRepository {
  constructor(private readonly db: Runner) {}

  private get k(): Kysely<DB> {
    return this.db.k;
  }

  async create(id: string, spec: SequenceSpec, now: Date, newId: () => string): Promise<SequenceView> {
    const k = this.k;
    const at = now.toISOString();
    return this.db.tx(
      (function* (): Work<SequenceView> {
        yield* assertCampaign(k, spec);
        const json = JSON.stringify(spec.steps);
        yield* run(k.insertInto('sequences').values({
          id, campaign_id: spec.campaignId, name: spec.name, trigger_event: spec.trigger, date_field: spec.field ?? null, steps: json,
          active: spec.active ? 1 : 0, created_at: at, updated_at: at,
        }));
        if (spec.trigger === 'date' && spec.field && spec.active) yield* backfillDateWork(k, { id, steps: json }, spec.campaignId, spec.field, at, newId);
        yield* bumpVersion(k, `${at}#sequence#${id}`);
        return yield* viewWork(k, yield* mustFind(k, id));
      })(),
    );
  }

  async update(id: string, spec: SequenceSpec, now: Date, newId: () => string): Promise<SequenceView> {
    const k = this.k;
    const at = now.toISOString();
    return this.db.tx(
      (function* (): Work<SequenceView> {
        const cur = yield* mustFind(k, id);
        if (spec.campaignId !== cur.campaign_id) {
          throw new AppError('validation_failed', 'request body is invalid', [{ path: 'campaignId', message: 'a sequence stays with its campaign; create a new one' }]);
        }
        yield* assertCampaign(k, spec);
        const json = JSON.stringify(spec.steps);
        yield* run(k.updateTable('sequences').set({
          name: spec.name, trigger_event: spec.trigger, date_field: spec.field ?? null, steps: json, active: spec.active ? 1 : 0, updated_at: at,
        }).where('id', '=', id));
        const dated = spec.trigger === 'date';
        if (dated !== (cur.trigger_event === 'date') || (dated && spec.field !== cur.date_field)) {
          // Timed from something else now (another date field, or a date instead of an event): what
          // was scheduled from the old one is skipped, and members who have the new date get theirs.
          yield* run(k.updateTable('sequence_schedule').set({ status: 'skipped', reason: 'sequence_changed', updated_at: at }).where('sequence_id', '=', id).where('status', '=', 'scheduled'));
          if (dated && spec.active) yield* backfillDateWork(k, { id, steps: json }, cur.campaign_id, spec.field!, at, newId, true);
        }
        // Messages not sent yet follow the new timing (sent ones are history); a removed step is skipped when due.
        const pending = yield* all(
          k.selectFrom('sequence_schedule as s').innerJoin('contacts as c', 'c.id', 's.contact_id')
            .select(['s.id', 's.step_index', 's.occurrence', 's.anchor_at', 'c.zip', 'c.phone']).where('s.sequence_id', '=', id).where('s.status', '=', 'scheduled'),
        );
        for (const p of pending) {
          const step = spec.steps[p.step_index];
          if (!step) continue;
          const due = dated ? dateStepDue(p.anchor_at.slice(0, 10), step, zoneForContact({ zip: p.zip, phone: p.phone })) : dueAt(new Date(p.anchor_at), step, p.occurrence);
          yield* exec(DEFER, { id: p.id, due: due.toISOString(), at });
        }
        if (!spec.active) yield* run(k.updateTable('sequence_schedule').set({ status: 'skipped', reason: 'sequence_deleted', updated_at: at }).where('sequence_id', '=', id).where('status', '=', 'scheduled'));
        yield* bumpVersion(k, `${at}#sequence#${id}`);
        return yield* viewWork(k, yield* mustFind(k, id));
      })(),
    );
  }

  async remove(id: string, now: Date): Promise<SequenceView> {
    const k = this.k;
    const at = now.toISOString();
    return this.db.tx(
      (function* (): Work<SequenceView> {
        yield* mustFind(k, id);
        yield* run(k.updateTable('sequences').set({ active: 0, updated_at: at }).where('id', '=', id));
        yield* run(k.updateTable('sequence_schedule').set({ status: 'skipped', reason: 'sequence_deleted', updated_at: at }).where('sequence_id', '=', id).where('status', '=', 'scheduled'));
        yield* bumpVersion(k, `${at}#sequence#${id}`);
        return yield* viewWork(k, yield* mustFind(k, id));
      })(),
    );
  }

  async activeTriggers(): Promise<Map<string, Set<string>>> {
    const rows = await this.db.read(all(
      this.k.selectFrom('sequences').select(['campaign_id', 'trigger_event', 'date_field']).where('active', '=', 1),
    ));
    const out = new Map<string, Set<string>>();
    for (const r of rows) {
      let set = out.get(r.campaign_id);
      if (!set) out.set(r.campaign_id, (set = new Set()));
      set.add(r.trigger_event === 'date' ? `date:${r.date_field ?? ''}` : r.trigger_event);
    }
    return out;
  }

  async get(id: string): Promise<SequenceView | undefined> {
    const k = this.k;
    return this.db.read(
      (function* (): Work<SequenceView | undefined> {
        const row = yield* first(k.selectFrom('sequences').selectAll().where('id', '=', id));
        return row ? yield* viewWork(k, row) : undefined;
      })(),
    );
  }

  async list(campaignId?: string): Promise<SequenceView[]> {
    const k = this.k;
    return this.db.read(
      (function* (): Work<SequenceView[]> {
        let q = k.selectFrom('sequences').selectAll().orderBy('created_at').orderBy('id');
        if (campaignId !== undefined) q = q.where('campaign_id', '=', campaignId);
        const out: SequenceView[] = [];
        for (const row of yield* all(q)) out.push(yield* viewWork(k, row));
        return out;
      })(),
    );
  }

  async contactSchedule(contactId: string): Promise<ScheduleEntry[]> {
    const rows = await this.db.read(
      all(
        this.k.selectFrom('sequence_schedule as s').innerJoin('sequences as q', 'q.id', 's.sequence_id')
          .select(['s.sequence_id', 'q.name', 's.step_index', 's.occurrence', 's.due_at', 's.status', 's.reason'])
          .where('s.contact_id', '=', contactId).orderBy('s.due_at').orderBy('s.step_index'),
      ),
    );
    return rows.map((r) => ({
      sequenceId: r.sequence_id, sequenceName: r.name, stepIndex: r.step_index, occurrence: r.occurrence, dueAt: r.due_at, status: r.status, reason: r.reason,
    }));
  }

  runDue(r: DueRun): Promise<DueReport> {
    return this.db.tx(runDueWork(r));
  }

  async pause(contactId: string, until: Date, now: Date): Promise<void> {
    await this.db.tx(pauseWork(contactId, until.toISOString(), now.toISOString()));
  }
}
