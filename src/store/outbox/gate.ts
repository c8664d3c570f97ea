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
 */
import { mayText, type ContactStatus, type OutboundPurpose } from '../../core/compliance';
import type { IdGenerator } from '../../core/clock';
import { segmentCount } from '../../core/segments';
import type { SqliteDb } from '../sqlite/db';

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

interface ContactGateRow {
  status: ContactStatus;
  undeliverable: number;
}

/**
 * The one decision: may this contact get a text for this purpose now? Opt-out policy is
 * `mayText`; bulk texts additionally skip numbers known to be undeliverable.
 */
function verdict(row: ContactGateRow | undefined, purpose: OutboundPurpose): Refusal | null {
  if (!row) return 'no_contact';
  if (!mayText(row.status, purpose)) return row.status === 'opted_out' ? 'opted_out' : 'not_subscribed';
  if (purpose === 'broadcast' && row.undeliverable === 1) return 'undeliverable';
  return null;
}
export const OUTBOX_SQL = {
  status: 'SELECT status, undeliverable FROM contacts WHERE id = ?',
  insert:
    'INSERT INTO outbound_messages (id, contact_id, campaign_id, inbound_id, position, kind, purpose, body, segments, status, created_at, updated_at) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
} as const;

/** Must run inside the transaction that changed the contact, so the status read is current. */
export function enqueueOutbound(store: SqliteDb, draft: OutboundDraft, newId: IdGenerator, now: string): Enqueued {
  const row = store.prepare(OUTBOX_SQL.status).get(draft.contactId) as ContactGateRow | undefined;
  const accepted = row !== undefined && mayText(row.status, draft.purpose);
  const id = newId();
  store.prepare(OUTBOX_SQL.insert).run(
    id, draft.contactId, draft.campaignId, draft.inboundId, draft.position, draft.kind, draft.purpose, draft.body,
    segmentCount(draft.body), accepted ? draft.delivery : 'suppressed', now, now,
  );
  return { id, accepted };
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
  const refusal = verdict(store.prepare(OUTBOX_SQL.status).get(draft.contactId) as ContactGateRow | undefined, draft.purpose);
  const id = newId();
  store.prepare(OUTBOX_SQL.insert).run(
    id, draft.contactId, draft.campaignId, null, 0, draft.kind, draft.purpose, draft.body, segmentCount(draft.body),
    refusal === null ? 'sending' : 'suppressed', now, now,
  );
  return { outboundId: id, refusal };
}

const QUEUED_SQL = "SELECT contact_id, purpose FROM outbound_messages WHERE id = ? AND status = 'queued'";
const SET_STATUS_SQL = 'UPDATE outbound_messages SET status = ?, updated_at = ? WHERE id = ?';

/**
 * Send-time gate for a row queued earlier (delivery 'queued'): the same check, now. Returns null
 * when the row is no longer queued (another dispatcher took it).
 */
export function admitQueued(store: SqliteDb, outboundId: string, now: string): Admission | null {
  const row = store.prepare(QUEUED_SQL).get(outboundId) as { contact_id: string; purpose: OutboundPurpose } | undefined;
  if (!row) return null;
  const refusal = verdict(store.prepare(OUTBOX_SQL.status).get(row.contact_id) as ContactGateRow | undefined, row.purpose);
  store.prepare(SET_STATUS_SQL).run(refusal === null ? 'sending' : 'suppressed', now, outboundId);
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

const RESULT_SQL = 'UPDATE outbound_messages SET status = ?, twilio_sid = coalesce(?, twilio_sid), error_code = coalesce(?, error_code), updated_at = ? WHERE id = ?';

/** Record what happened to a send (inside the caller's transaction). */
export function recordOutboundResult(
  store: SqliteDb, outboundId: string, r: { status: string; sid?: string | null; errorCode?: number | null }, now: string,
): void {
  store.prepare(RESULT_SQL).run(r.status, r.sid ?? null, r.errorCode ?? null, now, outboundId);
}

const PROGRESS_SQL = 'SELECT id, status FROM outbound_messages WHERE twilio_sid = ?';

/** Apply a delivery receipt: only forward, never back (a late "sent" does not undo "delivered"). */
export function advanceOutboundBySid(store: SqliteDb, sid: string, twilioStatus: string, errorCode: number | null, now: string): boolean {
  const row = store.prepare(PROGRESS_SQL).get(sid) as { id: string; status: string } | undefined;
  if (!row) return false;
  const next = outboundStatusFromTwilio(twilioStatus);
  const from = OUTBOUND_RANK[row.status];
  const to = OUTBOUND_RANK[next];
  if (from === undefined || to === undefined || to <= from) return false;
  recordOutboundResult(store, row.id, { status: next, errorCode }, now);
  return true;
}
