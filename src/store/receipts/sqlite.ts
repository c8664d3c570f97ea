/**
 * Delivery receipts (POST /twilio/status) and the broadcast recipients' view of them.
 * Callbacks come in any order and more than once: every status only ever moves forward, a
 * duplicate changes nothing, and a receipt that arrives before the send result was recorded is
 * kept in message_receipts and applied when the SID is recorded (`applyStoredReceipt`).
 */
import type { IdGenerator } from '../../core/clock';
import { markCarrierOptOut, markUndeliverable } from '../contact-flags';
import type { RecipientStatus } from '../database';
import type { SqliteDb } from '../sqlite/db';
import { advanceOutboundBySid, outboundRank, outboundStatusFromTwilio } from '../outbox';

/** Carrier errors after which we stop texting the number (DESIGN §5: record, stop sending). */
export const STOP_SENDING_CODES = new Set([30004, 30005, 30006]);
export const CARRIER_OPT_OUT_CODE = 21610;

const RECIPIENT_RANK: Record<RecipientStatus, number> = {
  pending: 0, sending: 1, unknown: 1, queued: 2, sent: 3,
  delivered: 4, undelivered: 4, failed: 4, opted_out: 4, undeliverable: 4, canceled: 4,
};

export function recipientRank(s: RecipientStatus): number {
  return RECIPIENT_RANK[s];
}

/** A Twilio message status as a broadcast recipient status (null: not one we track). */
export function recipientStatusFromTwilio(status: string, errorCode: number | null): RecipientStatus | null {
  if (errorCode === CARRIER_OPT_OUT_CODE && (status === 'failed' || status === 'undelivered')) return 'opted_out';
  switch (status) {
    case 'accepted': case 'queued': case 'scheduled': case 'sending':
      return 'queued';
    case 'sent': case 'delivered': case 'undelivered': case 'failed': case 'canceled':
      return status;
    case 'read':
      return 'delivered';
    default:
      return null;
  }
}

export interface Receipt {
  sid: string;
  status: string;
  errorCode: number | null;
}

export interface ReceiptEffect {
  duplicate: boolean;
  /** The SID matched a message this gateway sent. */
  matched: boolean;
  optedOut: boolean;
  undeliverable: boolean;
}

const RECEIPT_GET = 'SELECT status, error_code FROM message_receipts WHERE message_sid = ?';
const RECEIPT_INSERT = 'INSERT INTO message_receipts (message_sid, status, error_code, callbacks, first_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)';
const RECEIPT_BUMP =
  'UPDATE message_receipts SET callbacks = callbacks + 1, status = CASE WHEN ? THEN ? ELSE status END, ' +
  'error_code = coalesce(?, error_code), updated_at = ? WHERE message_sid = ?';
const RECIPIENT_BY_SID = 'SELECT broadcast_id, contact_id, campaign_id, status FROM broadcast_recipients WHERE twilio_sid = ?';
const RECIPIENT_ADVANCE = 'UPDATE broadcast_recipients SET status = ?, error_code = coalesce(?, error_code), updated_at = ? WHERE twilio_sid = ?';
const OUTBOUND_BY_SID =
  'SELECT o.contact_id, o.campaign_id, c.sender FROM outbound_messages o LEFT JOIN campaigns c ON c.id = o.campaign_id WHERE o.twilio_sid = ?';

/** Record one status callback. Runs its own transaction. */
export function recordReceipt(store: SqliteDb, r: Receipt, newId: IdGenerator, now: string): ReceiptEffect {
  return store.tx(() => {
    const prev = store.prepare(RECEIPT_GET).get(r.sid) as { status: string; error_code: number | null } | undefined;
    const fresh = outboundStatusFromTwilio(r.status);
    let duplicate = false;
    if (!prev) {
      store.prepare(RECEIPT_INSERT).run(r.sid, r.status, r.errorCode, now, now);
    } else {
      const forward = (outboundRank(fresh) ?? -1) > (outboundRank(outboundStatusFromTwilio(prev.status)) ?? -1);
      duplicate = !forward && (r.errorCode === null || r.errorCode === prev.error_code);
      store.prepare(RECEIPT_BUMP).run(forward ? 1 : 0, r.status, r.errorCode, now, r.sid);
    }
    if (duplicate) return { duplicate, matched: true, optedOut: false, undeliverable: false };
    return { duplicate, ...applyStatus(store, r, newId, now) };
  });
}

/** Apply a receipt stored before the send result named its SID. Inside the caller's transaction. */
export function applyStoredReceipt(store: SqliteDb, sid: string, newId: IdGenerator, now: string): void {
  const prev = store.prepare(RECEIPT_GET).get(sid) as { status: string; error_code: number | null } | undefined;
  if (prev) applyStatus(store, { sid, status: prev.status, errorCode: prev.error_code }, newId, now);
}

function applyStatus(store: SqliteDb, r: Receipt, newId: IdGenerator, now: string): Omit<ReceiptEffect, 'duplicate'> {
  const outboundMoved = advanceOutboundBySid(store, r.sid, r.status, r.errorCode, now);
  const recipient = store.prepare(RECIPIENT_BY_SID).get(r.sid) as
    | { broadcast_id: string; contact_id: string; campaign_id: string; status: RecipientStatus }
    | undefined;
  const next = recipientStatusFromTwilio(r.status, r.errorCode);
  if (recipient && next && RECIPIENT_RANK[next] > RECIPIENT_RANK[recipient.status]) {
    store.prepare(RECIPIENT_ADVANCE).run(next, r.errorCode, now, r.sid);
  }
  const owner = store.prepare(OUTBOUND_BY_SID).get(r.sid) as { contact_id: string; campaign_id: string | null; sender: string | null } | undefined;
  const matched = owner !== undefined || recipient !== undefined || outboundMoved;
  let optedOut = false;
  let undeliverable = false;
  if (owner && r.errorCode === CARRIER_OPT_OUT_CODE) {
    optedOut = markCarrierOptOut(store, { contactId: owner.contact_id, sender: owner.sender, campaignId: owner.campaign_id, messageSid: r.sid }, newId, now);
  }
  if (owner && r.errorCode !== null && STOP_SENDING_CODES.has(r.errorCode)) {
    undeliverable = markUndeliverable(store, owner.contact_id, now);
  }
  return { matched, optedOut, undeliverable };
}
