/**
 * The outbox and the opt-out chokepoint. Every text this system sends is first a row written
 * here, and `enqueueOutboundAllWork` is the only function that writes one ahead of sending
 * (`enqueueOutboundWork`, for one text, calls it): it reads the contact's status inside the
 * caller's transaction and refuses (status "suppressed", never sent) anything `mayText` forbids.
 * Webhook replies are rendered as TwiML only from rows it accepted; the REST sender re-checks
 * the same rule at send time, in the same transaction that marks the row 'sending', through
 * `admitForSend` (broadcast texts: the row is written then) and `admitQueued` (replies and
 * system texts queued earlier). There is no other policy: all three use `verdict`.
 *
 * REST rows move queued → sending → accepted → sent → delivered | undelivered | failed, or end as
 * suppressed (refused by the gate), unknown (outcome of the request unknown) or canceled (never sent).
 *
 * These are units of work (src/store/work.ts) for either engine: they run inside the caller's
 * transaction (the inbound text's, the dispatcher's claim); the policy itself is `verdict`.
 */
import { sql } from 'kysely';
import { mayText, type ContactStatus, type OutboundPurpose } from '../../core/compliance';
import type { IdGenerator } from '../../core/clock';
import { segmentCount } from '../../core/segments';
import { param, query } from '../query';
import { exec, get, write, type Work } from '../work';

export interface OutboundDraft {
  contactId: string;
  campaignId: string | null;
  inboundId: string | null;
  position: number;
  kind: 'reply' | 'broadcast' | 'system';
  purpose: OutboundPurpose;
  body: string;
  /** twiml: delivered in the webhook response; queued: sent later through the REST API. */
  delivery: 'twiml' | 'queued';
}

export interface Enqueued {
  id: string;
  accepted: boolean;
}

export type Refusal = 'opted_out' | 'not_subscribed' | 'undeliverable' | 'no_contact';

export interface ContactGateRow {
  status: ContactStatus;
  undeliverable: number;
}

/**
 * The one decision: may this contact get a text for this purpose now? Opt-out policy is
 * `mayText`; bulk texts additionally skip numbers known to be undeliverable.
 */
export function verdict(row: ContactGateRow | undefined, purpose: OutboundPurpose): Refusal | null {
  if (!row) return 'no_contact';
  if (!mayText(row.status, purpose)) return row.status === 'opted_out' ? 'opted_out' : 'not_subscribed';
  if (purpose === 'broadcast' && row.undeliverable === 1) return 'undeliverable';
  return null;
}
export const OUTBOX_QUERIES = {
  status: query<ContactGateRow, { id: string }>((k) => k.selectFrom('contacts').select(['status', 'undeliverable']).where('id', '=', param<string>('id'))),
  insert: query<unknown, InsertParams>((k) =>
    k.insertInto('outbound_messages').values({
      id: param('id'), contact_id: param('contactId'), campaign_id: param('campaignId'), inbound_id: param('inboundId'), position: param('position'),
      kind: param('kind'), purpose: param('purpose'), body: param('body'), segments: param('segments'), status: param('status'),
      created_at: param('now'), updated_at: param('now'),
    }),
  ),
  queued: query<{ contact_id: string; purpose: OutboundPurpose }, { id: string }>((k) =>
    k.selectFrom('outbound_messages').select(['contact_id', 'purpose']).where('id', '=', param<string>('id')).where('status', '=', 'queued')
      .$narrowType<{ purpose: OutboundPurpose }>(),
  ),
  setStatus: query<unknown, { id: string; status: string; now: string }>((k) =>
    k.updateTable('outbound_messages').set({ status: param('status'), updated_at: param('now') }).where('id', '=', param<string>('id')),
  ),
  result: query<unknown, { id: string; status: string; sid: string | null; code: number | null; now: string }>((k) =>
    k.updateTable('outbound_messages')
      .set({
        status: param('status'), twilio_sid: sql<string | null>`coalesce(${param('sid')}, twilio_sid)`,
        error_code: sql<number | null>`coalesce(${param('code')}, error_code)`, updated_at: param('now'),
      })
      .where('id', '=', param<string>('id')),
  ),
  bySid: query<{ id: string; status: string }, { sid: string }>((k) =>
    k.selectFrom('outbound_messages').select(['id', 'status']).where('twilio_sid', '=', param<string>('sid')),
  ),
};

interface InsertParams {
  id: string;
  contactId: string;
  campaignId: string | null;
  inboundId: string | null;
  position: number;
  kind: OutboundDraft['kind'];
  purpose: string;
  body: string;
  segments: number;
  status: string;
  now: string;
}

/** Must run inside the transaction that changed the contact, so the status read is current. */
export function* enqueueOutboundWork(draft: OutboundDraft, newId: IdGenerator, now: string): Work<Enqueued> {
  return (yield* enqueueOutboundAllWork([draft], newId, now))[0]!;
}

/**
 * Several texts to one contact from one transaction (an inbound text's replies): the contact's
 * status is read once, after every write of the transaction that could move it, and each draft is
 * judged by it as `enqueueOutboundWork` judges one. Nothing between the read and the inserts can
 * change the status: they are the transaction's last statements for this contact.
 */
export function* enqueueOutboundAllWork(drafts: readonly OutboundDraft[], newId: IdGenerator, now: string): Work<Enqueued[]> {
  if (drafts.length === 0) return [];
  const contactId = drafts[0]!.contactId;
  if (drafts.some((d) => d.contactId !== contactId)) throw new Error('enqueueOutboundAllWork: every draft must be for the contact whose status is read');
  const row = yield* get(OUTBOX_QUERIES.status, { id: contactId });
  const out: Enqueued[] = [];
  for (const draft of drafts) {
    const accepted = row !== undefined && mayText(row.status, draft.purpose);
    const id = newId();
    // Its outcome is not needed: on PostgreSQL's hot path it goes out with the commit (postgres/batch.ts).
    yield* write(OUTBOX_QUERIES.insert, {
      id, contactId: draft.contactId, campaignId: draft.campaignId, inboundId: draft.inboundId, position: draft.position, kind: draft.kind,
      purpose: draft.purpose, body: draft.body, segments: segmentCount(draft.body), status: accepted ? draft.delivery : 'suppressed', now,
    });
    out.push({ id, accepted });
  }
  return out;
}

export interface Admission {
  outboundId: string;
  /** null: admitted, the row is now 'sending'; else why it was refused (row 'suppressed'). */
  refusal: Refusal | null;
}

export type SendDraft = Pick<OutboundDraft, 'contactId' | 'campaignId' | 'kind' | 'purpose' | 'body'>;

/**
 * Send-time gate for a text written at send time (a broadcast recipient's): re-reads the contact
 * and writes the outbox row as 'sending' (admitted) or 'suppressed'. Call it inside the
 * transaction that claims the work, immediately before the request is made.
 */
export function* admitForSend(draft: SendDraft, newId: IdGenerator, now: string): Work<Admission> {
  const refusal = verdict(yield* get(OUTBOX_QUERIES.status, { id: draft.contactId }), draft.purpose);
  const id = newId();
  yield* exec(OUTBOX_QUERIES.insert, {
    id, contactId: draft.contactId, campaignId: draft.campaignId, inboundId: null, position: 0, kind: draft.kind, purpose: draft.purpose,
    body: draft.body, segments: segmentCount(draft.body), status: refusal === null ? 'sending' : 'suppressed', now,
  });
  return { outboundId: id, refusal };
}

/**
 * Send-time gate for a row queued earlier (delivery 'queued'): the same check, now. Returns null
 * when the row is no longer queued (another dispatcher took it).
 */
export function* admitQueued(outboundId: string, now: string): Work<Admission | null> {
  const row = yield* get(OUTBOX_QUERIES.queued, { id: outboundId });
  if (!row) return null;
  const refusal = verdict(yield* get(OUTBOX_QUERIES.status, { id: row.contact_id }), row.purpose);
  yield* exec(OUTBOX_QUERIES.setStatus, { id: outboundId, status: refusal === null ? 'sending' : 'suppressed', now });
  return { outboundId, refusal };
}

/** Statuses of a REST-sent row in the order they can only move forward. */
const OUTBOUND_RANK: Record<string, number> = {
  queued: 0, sending: 1, unknown: 1, accepted: 2, scheduled: 2, sent: 3,
  delivered: 4, undelivered: 4, failed: 4, read: 4, canceled: 4, suppressed: 4,
};

/** Twilio's message statuses as this outbox records them. */
export function outboundStatusFromTwilio(status: string): string {
  switch (status) {
    case 'accepted': case 'queued': case 'scheduled': case 'sending':
      return 'accepted';
    case 'read':
      return 'delivered';
    default:
      return status;
  }
}

export function outboundRank(status: string): number | undefined {
  return OUTBOUND_RANK[status];
}

/** Record what happened to a send (inside the caller's transaction). */
export function* recordOutboundResult(
  outboundId: string, r: { status: string; sid?: string | null; errorCode?: number | null }, now: string,
): Work<void> {
  yield* exec(OUTBOX_QUERIES.result, { id: outboundId, status: r.status, sid: r.sid ?? null, code: r.errorCode ?? null, now });
}

/** Apply a delivery receipt: only forward, never back (a late "sent" does not undo "delivered"). */
export function* advanceOutboundBySid(sid: string, twilioStatus: string, errorCode: number | null, now: string): Work<boolean> {
  const row = yield* get(OUTBOX_QUERIES.bySid, { sid });
  if (!row) return false;
  const next = outboundStatusFromTwilio(twilioStatus);
  const from = OUTBOUND_RANK[row.status];
  const to = OUTBOUND_RANK[next];
  if (from === undefined || to === undefined || to <= from) return false;
  yield* recordOutboundResult(row.id, { status: next, errorCode }, now);
  return true;
}
