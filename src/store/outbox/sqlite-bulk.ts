/**
 * Bulk work: broadcast_recipients rows. Each method is one short synchronous transaction.
 *
 * claim:   takes the next pending row of a sending broadcast whose recipient is inside quiet hours,
 *          renders the text, passes it through the outbox gate (`admitForSend`: opt-out re-check),
 *          and marks the row 'sending' with this dispatcher's lease, all at once, just before the
 *          request goes out. Two dispatchers serialize on the write lock and never take one row twice.
 * record:  writes what Twilio answered.
 * recover: rows left 'sending' by a dead dispatcher (or an expired lease) become 'unknown'.
 * resolve: an 'unknown' row after looking it up at Twilio: adopt the found message, or put the row
 *          back to pending (the message provably does not exist, so sending it is not a duplicate).
 */
import type { IdGenerator } from '../../core/clock';
import { segmentCount } from '../../core/segments';
import { markCarrierOptOut, markUndeliverable } from './contact-flags';
import type { RecipientStatus } from '../database';
import { applyStoredReceipt, recipientStatusFromTwilio } from '../delivery';
import type { SqliteDb } from '../sqlite/db';
import { admitForSend, outboundStatusFromTwilio, recordOutboundResult, type Refusal } from './gate';
import type { LookupOutcome, SendOutcome } from '../../twilio/sender';
import { stateOf } from '../../core/audience';
import { ownerIsGone } from '../../usecases/broadcasts/lease';
import type { CampaignInfo } from '../../usecases/broadcasts/preview';
import { renderForRecipient } from '../../core/broadcast-template';
import { addMs, POLICY, type RecordEffect, type UnknownWork, type WorkItem } from '../../core/sending';

/** A sending broadcast as the dispatcher needs it. */
export interface BroadcastPlan {
  id: string;
  template: string;
  footer: string | null;
  campaigns: Map<string, CampaignInfo>;
}

export interface ClaimBatch {
  items: WorkItem[];
  /** Refused by the outbox gate (opted out or undeliverable since the snapshot). */
  refused: number;
  /** The broadcast is no longer sending (paused, canceled). */
  stopped: boolean;
  /** Nothing more is sendable right now (all taken, in flight, waiting for quiet hours or a retry time). */
  exhausted: boolean;
}

interface NextRow {
  contact_id: string;
  campaign_id: string;
  keyword: string | null;
  phone: string;
  first_name: string | null;
  zip: string | null;
  from_state: string | null;
}

const REFUSAL_STATUS: Record<Refusal, RecipientStatus> = {
  opted_out: 'opted_out', not_subscribed: 'opted_out', undeliverable: 'undeliverable', no_contact: 'canceled',
};

const SQL = {
  broadcastStatus: 'SELECT status FROM broadcasts WHERE id = ?',
  next: (zones: number | null) =>
    'SELECT r.contact_id, r.campaign_id, r.keyword, c.phone, c.first_name, c.zip, c.from_state ' +
    'FROM broadcast_recipients r JOIN contacts c ON c.id = r.contact_id ' +
    "WHERE r.broadcast_id = ? AND r.status = 'pending' AND (r.not_before IS NULL OR r.not_before <= ?) " +
    (zones === null ? '' : `AND r.time_zone IN (${new Array(zones).fill('?').join(', ')}) `) +
    'ORDER BY r.seq LIMIT ?',
  refuse: 'UPDATE broadcast_recipients SET status = ?, outbound_id = ?, updated_at = ? WHERE broadcast_id = ? AND contact_id = ?',
  take:
    "UPDATE broadcast_recipients SET status = 'sending', outbound_id = ?, segments = ?, attempts = attempts + 1, not_before = NULL, " +
    'lease_owner = ?, lease_until = ?, updated_at = ? WHERE broadcast_id = ? AND contact_id = ?',
  result:
    'UPDATE broadcast_recipients SET status = ?, twilio_sid = coalesce(?, twilio_sid), error_code = coalesce(?, error_code), ' +
    'sent_at = CASE WHEN ? THEN coalesce(sent_at, ?) ELSE sent_at END, not_before = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? ' +
    'WHERE broadcast_id = ? AND contact_id = ? AND outbound_id = ?',
  attempts: 'SELECT attempts, campaign_id FROM broadcast_recipients WHERE broadcast_id = ? AND contact_id = ?',
  sender: 'SELECT sender FROM campaigns WHERE id = ?',
  orphans:
    "SELECT broadcast_id, contact_id, outbound_id, lease_owner, lease_until FROM broadcast_recipients WHERE status = 'sending' " +
    'AND (lease_owner IS NULL OR lease_owner != ?)',
  orphanToUnknown:
    "UPDATE broadcast_recipients SET status = 'unknown', not_before = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? " +
    "WHERE broadcast_id = ? AND contact_id = ? AND status = 'sending' AND coalesce(lease_owner, '') = coalesce(?, '')",
  outboundUnknown: "UPDATE outbound_messages SET status = 'unknown', updated_at = ? WHERE id = ? AND status = 'sending'",
  dueUnknown:
    'SELECT r.broadcast_id, r.contact_id, r.outbound_id, o.body, o.created_at, c.phone, camp.sender ' +
    'FROM broadcast_recipients r JOIN outbound_messages o ON o.id = r.outbound_id JOIN contacts c ON c.id = r.contact_id ' +
    "JOIN campaigns camp ON camp.id = r.campaign_id WHERE r.status = 'unknown' AND r.not_before <= ? ORDER BY r.not_before LIMIT ?",
  unknownRow: "SELECT b.status FROM broadcast_recipients r JOIN broadcasts b ON b.id = r.broadcast_id WHERE r.broadcast_id = ? AND r.contact_id = ? AND r.status = 'unknown' AND r.outbound_id = ?",
  requeue:
    'UPDATE broadcast_recipients SET status = ?, not_before = NULL, updated_at = ? WHERE broadcast_id = ? AND contact_id = ? AND outbound_id = ?',
  lookupLater: 'UPDATE broadcast_recipients SET not_before = ?, updated_at = ? WHERE broadcast_id = ? AND contact_id = ? AND outbound_id = ?',
} as const;

export class RecipientQueue {
  constructor(
    private readonly store: SqliteDb,
    private readonly newId: IdGenerator,
    readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  /**
   * Take up to `limit` texts in one transaction (`zones` null: no quiet hours; else the zones open
   * now). Each passes the outbox gate in this transaction; the caller starts every request right
   * after it commits, in the same tick, so the opt-out check still happens immediately before the
   * send.
   */
  claim(plan: BroadcastPlan, zones: readonly string[] | null, now: string, limit = 1): ClaimBatch {
    if (zones !== null && zones.length === 0) return { items: [], refused: 0, stopped: false, exhausted: true };
    const s = this.store;
    return s.tx((): ClaimBatch => {
      const b = s.prepare(SQL.broadcastStatus).get(plan.id) as { status: string } | undefined;
      if (b?.status !== 'sending') return { items: [], refused: 0, stopped: true, exhausted: true };
      const rows = s.prepare(SQL.next(zones === null ? null : zones.length)).all(plan.id, now, ...(zones ?? []), limit) as NextRow[];
      const batch: ClaimBatch = { items: [], refused: 0, stopped: false, exhausted: rows.length < limit };
      const leaseUntil = addMs(now, this.leaseMs);
      for (const row of rows) {
        const campaign = plan.campaigns.get(row.campaign_id);
        const body = renderForRecipient(plan.template, plan.footer, {
          firstName: row.first_name, zip: row.zip, state: stateOf(row.zip, row.from_state), programName: campaign?.programName ?? '',
          keyword: row.keyword, sender: campaign?.sender ?? '',
        });
        const admission = admitForSend(s, { contactId: row.contact_id, campaignId: row.campaign_id, kind: 'broadcast', purpose: 'broadcast', body }, this.newId, now);
        if (admission.refusal !== null) {
          s.prepare(SQL.refuse).run(REFUSAL_STATUS[admission.refusal], admission.outboundId, now, plan.id, row.contact_id);
          batch.refused += 1;
          continue;
        }
        const item: WorkItem = {
          kind: 'bulk', outboundId: admission.outboundId, contactId: row.contact_id, broadcastId: plan.id,
          text: { to: row.phone, from: campaign?.sender ?? '', body }, segments: segmentCount(body),
        };
        s.prepare(SQL.take).run(admission.outboundId, item.segments, this.owner, leaseUntil, now, plan.id, row.contact_id);
        batch.items.push(item);
      }
      return batch;
    });
  }

  /** Record what Twilio answered. Inside the caller's transaction (results are written in batches). */
  record(item: WorkItem, outcome: SendOutcome, now: string): RecordEffect {
    const s = this.store;
    const bid = item.broadcastId!;
    const set = (status: RecipientStatus, o: { sid?: string | null; code?: number | null; sent?: boolean; notBefore?: string | null } = {}) =>
    s.prepare(SQL.result).run(status, o.sid ?? null, o.code ?? null, o.sent ? 1 : 0, now, o.notBefore ?? null, now, bid, item.contactId, item.outboundId);
    switch (outcome.kind) {
      case 'ok': {
        recordOutboundResult(s, item.outboundId, { status: outboundStatusFromTwilio(outcome.status), sid: outcome.sid }, now);
        set(recipientStatusFromTwilio(outcome.status, null) ?? 'queued', { sid: outcome.sid, sent: true });
        applyStoredReceipt(s, outcome.sid, this.newId, now);
        return {};
      }
      case 'opted_out': {
        recordOutboundResult(s, item.outboundId, { status: 'failed', errorCode: outcome.code }, now);
        set('opted_out', { code: outcome.code });
        const { campaign_id } = s.prepare(SQL.attempts).get(bid, item.contactId) as { campaign_id: string };
        markCarrierOptOut(s, { contactId: item.contactId, sender: item.text.from, campaignId: campaign_id, messageSid: null }, this.newId, now);
        return {};
      }
      case 'undeliverable': {
        recordOutboundResult(s, item.outboundId, { status: 'failed', errorCode: outcome.code }, now);
        set('undeliverable', { code: outcome.code });
        markUndeliverable(s, item.contactId, now);
        return {};
      }
      case 'retryable': {
        const { attempts } = s.prepare(SQL.attempts).get(bid, item.contactId) as { attempts: number };
        recordOutboundResult(s, item.outboundId, { status: 'canceled', errorCode: outcome.code ?? 20429 }, now);
        if (attempts >= POLICY.maxRetryableAttempts) {
          set('failed', { code: outcome.code ?? 20429 });
          return {};
        }
        set('pending', { notBefore: addMs(now, POLICY.retryBackoffMs(attempts)) });
        return { penalizeMs: POLICY.penalizeMs };
      }
      case 'rejected': {
        recordOutboundResult(s, item.outboundId, { status: 'failed', errorCode: outcome.code }, now);
        if (outcome.accountLevel) {
          // Not this recipient's fault: put it back and stop the broadcast for a human to look at.
          set('pending');
          return { pauseBroadcast: `Twilio refused the send (${outcome.code ?? outcome.httpStatus}: ${outcome.message}); fix the account or sender, then resume` };
        }
        set('failed', { code: outcome.code });
        return {};
      }
      case 'unknown': {
        recordOutboundResult(s, item.outboundId, { status: 'unknown', errorCode: outcome.code }, now);
        set('unknown', { code: outcome.code, notBefore: addMs(now, POLICY.reconcileDelayMs) });
        return {};
      }
    }
  }

  /** Rows another dispatcher left in flight; returns how many became 'unknown' (to be looked up now). */
  recoverOrphans(now: string, gone: (owner: string) => boolean = ownerIsGone): number {
    const s = this.store;
    const rows = s.prepare(SQL.orphans).all(this.owner) as {
      broadcast_id: string; contact_id: string; outbound_id: string | null; lease_owner: string | null; lease_until: string | null;
    }[];
    let n = 0;
    for (const r of rows) {
      const expired = r.lease_until === null || r.lease_until < now;
      if (!expired && !(r.lease_owner && gone(r.lease_owner))) continue;
      s.tx(() => {
        const changed = s.prepare(SQL.orphanToUnknown).run(now, now, r.broadcast_id, r.contact_id, r.lease_owner).changes;
        if (changed > 0 && r.outbound_id) s.prepare(SQL.outboundUnknown).run(now, r.outbound_id);
        n += changed;
      });
    }
    return n;
  }

  dueUnknown(now: string, limit: number): UnknownWork[] {
    const rows = this.store.prepare(SQL.dueUnknown).all(now, limit) as {
      broadcast_id: string; contact_id: string; outbound_id: string; body: string; created_at: string; phone: string; sender: string;
    }[];
    return rows.map((r) => ({
      kind: 'bulk', outboundId: r.outbound_id, contactId: r.contact_id, broadcastId: r.broadcast_id,
      text: { to: r.phone, from: r.sender, body: r.body }, since: new Date(r.created_at),
    }));
  }

  resolve(u: UnknownWork, lookup: LookupOutcome, now: string): 'adopted' | 'requeued' | 'later' | 'gave_up' | 'gone' {
    const s = this.store;
    const bid = u.broadcastId!;
    return s.tx(() => {
      const cur = s.prepare(SQL.unknownRow).get(bid, u.contactId, u.outboundId) as { status: string } | undefined;
      if (!cur) return 'gone';
      if (lookup.kind === 'found') {
        recordOutboundResult(s, u.outboundId, { status: outboundStatusFromTwilio(lookup.status), sid: lookup.sid, errorCode: lookup.errorCode }, now);
        s.prepare(SQL.result).run(
          recipientStatusFromTwilio(lookup.status, lookup.errorCode) ?? 'queued', lookup.sid, lookup.errorCode, 1, now, null, now, bid, u.contactId, u.outboundId,
        );
        applyStoredReceipt(s, lookup.sid, this.newId, now);
        return 'adopted';
      }
      if (lookup.kind === 'absent') {
        // Twilio has no such message: it was never sent. Send it again unless the broadcast was canceled.
        recordOutboundResult(s, u.outboundId, { status: 'canceled' }, now);
        const again = cur.status === 'sending' || cur.status === 'paused' || cur.status === 'scheduled';
        s.prepare(SQL.requeue).run(again ? 'pending' : 'canceled', now, bid, u.contactId, u.outboundId);
        return 'requeued';
      }
      const giveUp = Date.parse(now) - u.since.getTime() > POLICY.giveUpAfterMs;
      s.prepare(SQL.lookupLater).run(giveUp ? null : addMs(now, POLICY.lookupRetryMs), now, bid, u.contactId, u.outboundId);
      return giveUp ? 'gave_up' : 'later';
    });
  }
}
