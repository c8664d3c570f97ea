/**
 * The outbox and the opt-out chokepoint. Every text this system sends is first a row written
 * here, and `enqueueOutbound` is the only function that writes one: it reads the contact's
 * status inside the caller's transaction and refuses (status "suppressed", never sent) anything
 * `mayText` forbids. Webhook replies are rendered as TwiML only from rows it accepted; the REST
 * sender re-checks the same rule at send time, in the same transaction that marks the row
 * 'sending', through `admitForSend` (broadcast texts: the row is written then) and `admitQueued`
 * (replies and system texts queued earlier). There is no other policy: all three use `verdict`.
 *
 * REST rows move queued → sending → accepted → sent → delivered | undelivered | failed, or end as
 * suppressed (refused by the gate), unknown (outcome of the request unknown) or canceled (never sent).
 *
 * These are the SQLite engine's functions: they run inside the caller's synchronous transaction
 * (the inbound repository's savepoint, the dispatcher's claim); the policy itself is `verdict`.
 */
import type { IdGenerator } from '../../core/clock';
import { segmentCount } from '../../core/segments';
import type { SqliteDb } from '../sqlite/db';
import { enqueueOutboundWork, OUTBOX_QUERIES, verdict, type Enqueued, type OutboundDraft, type Refusal } from './gate';

export { enqueueOutboundWork, OUTBOX_QUERIES, type Enqueued, type OutboundDraft, type Refusal } from './gate';

/** `enqueueOutboundWork` run at once on SQLite (inside the caller's synchronous transaction). */
export function enqueueOutbound(store: SqliteDb, draft: OutboundDraft, newId: IdGenerator, now: string): Enqueued {
  return store.drive(enqueueOutboundWork(draft, newId, now));
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
export function admitForSend(store: SqliteDb, draft: SendDraft, newId: IdGenerator, now: string): Admission {
  const refusal = verdict(store.get(OUTBOX_QUERIES.status, { id: draft.contactId }), draft.purpose);
  const id = newId();
  store.exec(OUTBOX_QUERIES.insert, {
    id, contactId: draft.contactId, campaignId: draft.campaignId, inboundId: null, position: 0, kind: draft.kind, purpose: draft.purpose,
    body: draft.body, segments: segmentCount(draft.body), status: refusal === null ? 'sending' : 'suppressed', now,
  });
  return { outboundId: id, refusal };
}

/**
 * Send-time gate for a row queued earlier (delivery 'queued'): the same check, now. Returns null
 * when the row is no longer queued (another dispatcher took it).
 */
export function admitQueued(store: SqliteDb, outboundId: string, now: string): Admission | null {
  const row = store.get(OUTBOX_QUERIES.queued, { id: outboundId });
  if (!row) return null;
  const refusal = verdict(store.get(OUTBOX_QUERIES.status, { id: row.contact_id }), row.purpose);
  store.exec(OUTBOX_QUERIES.setStatus, { id: outboundId, status: refusal === null ? 'sending' : 'suppressed', now });
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
export function recordOutboundResult(
  store: SqliteDb, outboundId: string, r: { status: string; sid?: string | null; errorCode?: number | null }, now: string,
): void {
  store.exec(OUTBOX_QUERIES.result, { id: outboundId, status: r.status, sid: r.sid ?? null, code: r.errorCode ?? null, now });
}

/** Apply a delivery receipt: only forward, never back (a late "sent" does not undo "delivered"). */
export function advanceOutboundBySid(store: SqliteDb, sid: string, twilioStatus: string, errorCode: number | null, now: string): boolean {
  const row = store.get(OUTBOX_QUERIES.bySid, { sid });
  if (!row) return false;
  const next = outboundStatusFromTwilio(twilioStatus);
  const from = OUTBOUND_RANK[row.status];
  const to = OUTBOUND_RANK[next];
  if (from === undefined || to === undefined || to <= from) return false;
  recordOutboundResult(store, row.id, { status: next, errorCode }, now);
  return true;
}
