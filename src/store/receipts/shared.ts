/**
 * Delivery receipts (both engines: src/store/work.ts), and the broadcast recipients' view of them. A receipt that
 * arrives before the send result was recorded is kept in message_receipts and applied when the
 * SID is recorded (`applyStoredReceipt`, run by the sender inside its own transaction).
 */
import type { Selectable } from 'kysely';
import type { IdGenerator } from '../../core/clock';
import { markCarrierOptOut, markUndeliverable } from '../outbox/contact-flags';
import type { BroadcastRecipientsTable, RecipientStatus } from '../database';
import { advanceOutboundBySid, outboundRank, outboundStatusFromTwilio } from '../outbox/gate';
import { param, query } from '../query';
import { exec, get, type Runner, type Work } from '../work';
import type { DeliveryReceipt, ReceiptEffect, ReceiptPolicy, ReceiptsRepository } from './repository';
import type { MessageReceiptsTable } from './tables';

const RECIPIENT_RANK: Record<RecipientStatus, number> = {
  pending: 0, sending: 1, unknown: 1, queued: 2, sent: 3,
  delivered: 4, undelivered: 4, failed: 4, opted_out: 4, undeliverable: 4, canceled: 4,
};

export function recipientRank(s: RecipientStatus): number {
  return RECIPIENT_RANK[s];
}

type Receipt = Selectable<MessageReceiptsTable>;
type Recipient = Selectable<BroadcastRecipientsTable>;

const Q = {
  get: query<Pick<Receipt, 'status' | 'error_code'>, { sid: string }>((k) =>
    k.selectFrom('message_receipts').select(['status', 'error_code']).where('message_sid', '=', param<string>('sid')),
  ),
  insert: query<unknown, { sid: string; status: string; error_code: number | null; at: string }>((k) =>
    k.insertInto('message_receipts').values({
      message_sid: param('sid'), status: param('status'), error_code: param('error_code'), callbacks: 1, first_at: param('at'), updated_at: param('at'),
    }),
  ),
  /** One more callback; `status` is the furthest seen so far, an error code once given is kept. */
  bump: query<unknown, { sid: string; status: string; error_code: number | null; at: string }>((k) =>
    k
      .updateTable('message_receipts')
      .set((eb) => ({
        callbacks: eb('callbacks', '+', 1),
        status: param('status'),
        error_code: eb.fn.coalesce(eb.val(param<number | null>('error_code')), 'error_code'),
        updated_at: param('at'),
      }))
      .where('message_sid', '=', param<string>('sid')),
  ),
  recipient: query<Pick<Recipient, 'broadcast_id' | 'contact_id' | 'campaign_id' | 'status'>, { sid: string }>((k) =>
    k.selectFrom('broadcast_recipients').select(['broadcast_id', 'contact_id', 'campaign_id', 'status']).where('twilio_sid', '=', param<string>('sid')),
  ),
  advanceRecipient: query<unknown, { sid: string; status: RecipientStatus; error_code: number | null; at: string }>((k) =>
    k
      .updateTable('broadcast_recipients')
      .set((eb) => ({ status: param('status'), error_code: eb.fn.coalesce(eb.val(param<number | null>('error_code')), 'error_code'), updated_at: param('at') }))
      .where('twilio_sid', '=', param<string>('sid')),
  ),
  owner: query<{ contact_id: string; campaign_id: string | null; sender: string | null }, { sid: string }>((k) =>
    k
      .selectFrom('outbound_messages as o')
      .leftJoin('campaigns as c', 'c.id', 'o.campaign_id')
      .select(['o.contact_id', 'o.campaign_id', 'c.sender'])
      .where('o.twilio_sid', '=', param<string>('sid')),
  ),
};

export class ReceiptsStore implements ReceiptsRepository {
  constructor(private readonly db: Runner) {}

  async record(r: DeliveryReceipt, policy: ReceiptPolicy, run: { now: Date; newId: IdGenerator }): Promise<ReceiptEffect> {
    return this.db.tx(recordWork(r, policy, run.newId, run.now.toISOString()));
  }
}

function* recordWork(r: DeliveryReceipt, policy: ReceiptPolicy, newId: IdGenerator, now: string): Work<ReceiptEffect> {
  const prev = yield* get(Q.get, { sid: r.sid });
  let duplicate = false;
  if (!prev) {
    yield* exec(Q.insert, { sid: r.sid, status: r.status, error_code: r.errorCode, at: now });
  } else {
    const fresh = outboundStatusFromTwilio(r.status);
    const forward = (outboundRank(fresh) ?? -1) > (outboundRank(outboundStatusFromTwilio(prev.status)) ?? -1);
    duplicate = !forward && (r.errorCode === null || r.errorCode === prev.error_code);
    yield* exec(Q.bump, { sid: r.sid, status: forward ? r.status : prev.status, error_code: r.errorCode, at: now });
  }
  if (duplicate) return { duplicate, matched: true, optedOut: false, undeliverable: false };
  return { duplicate, ...(yield* applyStatus(r, policy, newId, now)) };
}

/** Apply a receipt stored before the send result named its SID. Inside the caller's transaction. */
export function* applyStoredReceipt(sid: string, policy: ReceiptPolicy, newId: IdGenerator, now: string): Work<void> {
  const prev = yield* get(Q.get, { sid });
  if (prev) yield* applyStatus({ sid, status: prev.status, errorCode: prev.error_code }, policy, newId, now);
}

function* applyStatus(r: DeliveryReceipt, policy: ReceiptPolicy, newId: IdGenerator, now: string): Work<Omit<ReceiptEffect, 'duplicate'>> {
  const outboundMoved = yield* advanceOutboundBySid(r.sid, r.status, r.errorCode, now);
  const recipient = yield* get(Q.recipient, { sid: r.sid });
  const next = policy.recipientStatus(r.status, r.errorCode);
  if (recipient && next && RECIPIENT_RANK[next] > RECIPIENT_RANK[recipient.status]) {
    yield* exec(Q.advanceRecipient, { sid: r.sid, status: next, error_code: r.errorCode, at: now });
  }
  const owner = yield* get(Q.owner, { sid: r.sid });
  const matched = owner !== undefined || recipient !== undefined || outboundMoved;
  let optedOut = false;
  let undeliverable = false;
  if (owner && r.errorCode !== null && policy.optsOut(r.errorCode)) {
    optedOut = yield* markCarrierOptOut({ contactId: owner.contact_id, sender: owner.sender, campaignId: owner.campaign_id, messageSid: r.sid }, newId, now);
  }
  if (owner && r.errorCode !== null && policy.stopsSending(r.errorCode)) {
    undeliverable = yield* markUndeliverable(owner.contact_id, now);
  }
  return { matched, optedOut, undeliverable };
}
