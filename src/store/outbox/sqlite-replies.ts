/**
 * Priority work: replies and system texts queued in the outbox for the REST API
 * (outbound_messages.status = 'queued', written by `enqueueOutbound` with delivery 'queued').
 * The dispatcher sends these before any bulk text. Same guarantees as bulk: the opt-out gate is
 * re-run at send time (`admitQueued`), the in-flight lease lives in outbox_leases, and an unknown
 * outcome is looked up, never blindly resent.
 */
import type { IdGenerator } from '../../core/clock';
import { markCarrierOptOut, markUndeliverable } from './contact-flags';
import { applyStoredReceipt } from '../delivery';
import type { SqliteDb } from '../sqlite/db';
import { admitQueued, outboundStatusFromTwilio, recordOutboundResult } from './gate';
import type { LookupOutcome, SendOutcome } from '../../twilio/sender';
import { ownerIsGone } from '../../usecases/broadcasts/lease';
import { addMs, POLICY, type RecordEffect, type UnknownWork, type WorkItem } from '../../core/sending';

const SQL = {
  peek:
    "SELECT o.id, o.segments FROM outbound_messages o WHERE o.status = 'queued' " +
    'AND NOT EXISTS (SELECT 1 FROM outbox_leases l WHERE l.outbound_id = o.id AND l.not_before > ?) ORDER BY o.created_at LIMIT 1',
  details:
    'SELECT o.body, o.segments, o.contact_id, o.campaign_id, c.phone, coalesce(camp.sender, ' +
    '(SELECT i.sender FROM inbound_messages i WHERE i.contact_id = o.contact_id ORDER BY i.received_at DESC LIMIT 1)) AS sender, o.created_at ' +
    'FROM outbound_messages o JOIN contacts c ON c.id = o.contact_id LEFT JOIN campaigns camp ON camp.id = o.campaign_id WHERE o.id = ?',
  lease:
    'INSERT INTO outbox_leases (outbound_id, lease_owner, lease_until, attempts, not_before) VALUES (?, ?, ?, 1, NULL) ' +
    'ON CONFLICT (outbound_id) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until, ' +
    'attempts = outbox_leases.attempts + 1, not_before = NULL',
  release: 'UPDATE outbox_leases SET lease_owner = NULL, lease_until = NULL, not_before = ? WHERE outbound_id = ?',
  attempts: 'SELECT attempts FROM outbox_leases WHERE outbound_id = ?',
  setStatus: 'UPDATE outbound_messages SET status = ?, updated_at = ? WHERE id = ?',
  orphans:
    'SELECT l.outbound_id, l.lease_owner, l.lease_until FROM outbox_leases l JOIN outbound_messages o ON o.id = l.outbound_id ' +
    "WHERE o.status = 'sending' AND coalesce(l.lease_owner, '') != ?",
  orphanToUnknown: "UPDATE outbound_messages SET status = 'unknown', updated_at = ? WHERE id = ? AND status = 'sending'",
  dueUnknown:
    'SELECT l.outbound_id FROM outbox_leases l JOIN outbound_messages o ON o.id = l.outbound_id ' +
    "WHERE o.status = 'unknown' AND l.not_before <= ? ORDER BY l.not_before LIMIT ?",
  isUnknown: "SELECT 1 AS x FROM outbound_messages WHERE id = ? AND status = 'unknown'",
} as const;

interface Details {
  body: string;
  segments: number;
  contact_id: string;
  campaign_id: string | null;
  phone: string;
  sender: string | null;
  created_at: string;
}

export class ReplyQueue {
  constructor(
    private readonly store: SqliteDb,
    private readonly newId: IdGenerator,
    readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  /** The next queued text (without taking it): its id and segments, for the rate limiter. */
  peek(now: string): { id: string; segments: number } | null {
    return (this.store.prepare(SQL.peek).get(now) as { id: string; segments: number } | undefined) ?? null;
  }

  /** Take a queued text: gate, lease, details. null when it is gone, refused, or has no sender. */
  claim(id: string, now: string): WorkItem | null {
    const s = this.store;
    return s.tx(() => {
      const admission = admitQueued(s, id, now);
      if (!admission || admission.refusal !== null) return null;
      const d = s.prepare(SQL.details).get(id) as Details;
      if (!d.sender) {
        s.prepare(SQL.setStatus).run('failed', now, id);
        return null;
      }
      s.prepare(SQL.lease).run(id, this.owner, addMs(now, this.leaseMs));
      return {
        kind: 'reply', outboundId: id, contactId: d.contact_id, broadcastId: null,
        text: { to: d.phone, from: d.sender, body: d.body }, segments: d.segments,
      };
    });
  }

  /** Record what Twilio answered. Inside the caller's transaction (results are written in batches). */
  record(item: WorkItem, outcome: SendOutcome, now: string): RecordEffect {
    const s = this.store;
    s.prepare(SQL.release).run(null, item.outboundId);
    switch (outcome.kind) {
      case 'ok':
        recordOutboundResult(s, item.outboundId, { status: outboundStatusFromTwilio(outcome.status), sid: outcome.sid }, now);
        applyStoredReceipt(s, outcome.sid, this.newId, now);
        return {};
      case 'opted_out': {
        recordOutboundResult(s, item.outboundId, { status: 'failed', errorCode: outcome.code }, now);
        const d = s.prepare(SQL.details).get(item.outboundId) as Details;
        markCarrierOptOut(s, { contactId: item.contactId, sender: item.text.from, campaignId: d.campaign_id, messageSid: null }, this.newId, now);
        return {};
      }
      case 'undeliverable':
        recordOutboundResult(s, item.outboundId, { status: 'failed', errorCode: outcome.code }, now);
        markUndeliverable(s, item.contactId, now);
        return {};
      case 'retryable': {
        const { attempts } = s.prepare(SQL.attempts).get(item.outboundId) as { attempts: number };
        if (attempts >= POLICY.maxRetryableAttempts) {
          recordOutboundResult(s, item.outboundId, { status: 'failed', errorCode: outcome.code ?? 20429 }, now);
          return {};
        }
        recordOutboundResult(s, item.outboundId, { status: 'queued' }, now);
        s.prepare(SQL.release).run(addMs(now, POLICY.retryBackoffMs(attempts)), item.outboundId);
        return { penalizeMs: POLICY.penalizeMs };
      }
      case 'rejected':
        recordOutboundResult(s, item.outboundId, { status: 'failed', errorCode: outcome.code }, now);
        return {};
      case 'unknown':
        recordOutboundResult(s, item.outboundId, { status: 'unknown', errorCode: outcome.code }, now);
        s.prepare(SQL.release).run(addMs(now, POLICY.reconcileDelayMs), item.outboundId);
        return {};
    }
  }

  recoverOrphans(now: string, gone: (owner: string) => boolean = ownerIsGone): number {
    const s = this.store;
    const rows = s.prepare(SQL.orphans).all(this.owner) as { outbound_id: string; lease_owner: string | null; lease_until: string | null }[];
    let n = 0;
    for (const r of rows) {
      const expired = r.lease_until === null || r.lease_until < now;
      if (!expired && !(r.lease_owner && gone(r.lease_owner))) continue;
      s.tx(() => {
        if (s.prepare(SQL.orphanToUnknown).run(now, r.outbound_id).changes === 0) return;
        s.prepare(SQL.release).run(now, r.outbound_id);
        n += 1;
      });
    }
    return n;
  }

  dueUnknown(now: string, limit: number): UnknownWork[] {
    const ids = this.store.prepare(SQL.dueUnknown).all(now, limit) as { outbound_id: string }[];
    return ids.flatMap(({ outbound_id }) => {
      const d = this.store.prepare(SQL.details).get(outbound_id) as Details;
      if (!d.sender) return [];
      return [{
        kind: 'reply' as const, outboundId: outbound_id, contactId: d.contact_id, broadcastId: null,
        text: { to: d.phone, from: d.sender, body: d.body }, since: new Date(d.created_at),
      }];
    });
  }

  resolve(u: UnknownWork, lookup: LookupOutcome, now: string): 'adopted' | 'requeued' | 'later' | 'gave_up' | 'gone' {
    const s = this.store;
    return s.tx(() => {
      if (!s.prepare(SQL.isUnknown).get(u.outboundId)) return 'gone';
      if (lookup.kind === 'found') {
        recordOutboundResult(s, u.outboundId, { status: outboundStatusFromTwilio(lookup.status), sid: lookup.sid, errorCode: lookup.errorCode }, now);
        s.prepare(SQL.release).run(null, u.outboundId);
        applyStoredReceipt(s, lookup.sid, this.newId, now);
        return 'adopted';
      }
      if (lookup.kind === 'absent') {
        // Never reached Twilio: queue it again; the gate runs again when it is taken.
        recordOutboundResult(s, u.outboundId, { status: 'queued' }, now);
        s.prepare(SQL.release).run(null, u.outboundId);
        return 'requeued';
      }
      const giveUp = Date.parse(now) - u.since.getTime() > POLICY.giveUpAfterMs;
      s.prepare(SQL.release).run(giveUp ? null : addMs(now, POLICY.lookupRetryMs), u.outboundId);
      return giveUp ? 'gave_up' : 'later';
    });
  }
}
