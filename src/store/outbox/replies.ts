/**
 * Priority work (both engines: src/store/work.ts): replies and system texts queued in the outbox for the REST API
 * (outbound_messages.status = 'queued', written by `enqueueOutbound` with delivery 'queued').
 * The dispatcher sends these before any bulk text, one at a time per number (so replies arrive in
 * the order they were written). Same guarantees as bulk: the opt-out gate is
 * re-run at send time (`admitQueued`), the in-flight lease lives in outbox_leases, and an unknown
 * outcome is looked up, never blindly resent.
 */
import { sql } from 'kysely';
import type { IdGenerator } from '../../core/clock';
import {
  addMs, leaseOrphaned, POLICY, THROTTLED_CODE, type LookupOutcome, type RecordEffect, type ResolveResult, type SendOutcome, type UnknownWork, type WorkItem,
} from '../../core/sending';
import type { ReceiptPolicy } from '../receipts/repository';
import { applyStoredReceipt } from '../receipts/shared';
import { param, query } from '../query';
import { exec, get, list, type Runner, type Work } from '../work';
import { markCarrierOptOut, markUndeliverable } from './contact-flags';
import { admitQueued, OUTBOX_QUERIES, outboundStatusFromTwilio, recordOutboundResult } from './gate';
import type { Lease } from './repository';

interface Details {
  body: string;
  segments: number;
  contact_id: string;
  campaign_id: string | null;
  phone: string;
  sender: string | null;
  created_at: string;
}

export const REPLY_QUERIES = {
  peek: query<{ id: string; segments: number }, { now: string }>((k) =>
    k.selectFrom('outbound_messages as o').select(['o.id', 'o.segments'])
      .where('o.status', '=', 'queued')
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('outbox_leases as l').select(sql.lit(1).as('x')).whereRef('l.outbound_id', '=', 'o.id').where('l.not_before', '>', param<string>('now')))),
      )
      // One text in flight per number: two replies to one thread reach the phone in the order they were written.
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('outbound_messages as f').select(sql.lit(1).as('x')).whereRef('f.contact_id', '=', 'o.contact_id').where('f.status', '=', 'sending'))),
      )
      // Ties (one clock instant) in the order written: the rowid (PostgreSQL: the identity column of that name).
      .orderBy('o.created_at').orderBy(sql`o.rowid`).limit(1),
  ),
  details: query<Details, { id: string }>((k) =>
    k.selectFrom('outbound_messages as o')
      .innerJoin('contacts as c', 'c.id', 'o.contact_id')
      .leftJoin('campaigns as camp', 'camp.id', 'o.campaign_id')
      .select((eb) => [
        'o.body', 'o.segments', 'o.contact_id', 'o.campaign_id', 'c.phone', 'o.created_at',
        // A text without a campaign goes out from the sender the contact last texted.
        eb.fn.coalesce(
          'camp.sender',
          eb.selectFrom('inbound_messages as i').select('i.sender').whereRef('i.contact_id', '=', 'o.contact_id').orderBy('i.received_at', 'desc').limit(1),
        ).as('sender'),
      ])
      .where('o.id', '=', param<string>('id')),
  ),
  lease: query<unknown, { id: string; owner: string; until: string }>((k) =>
    k.insertInto('outbox_leases')
      .values({ outbound_id: param('id'), lease_owner: param('owner'), lease_until: param('until'), attempts: 1, not_before: null })
      .onConflict((oc) =>
        oc.column('outbound_id').doUpdateSet((eb) => ({
          lease_owner: eb.ref('excluded.lease_owner'), lease_until: eb.ref('excluded.lease_until'),
          attempts: eb('outbox_leases.attempts', '+', 1), not_before: null,
        })),
      ),
  ),
  release: query<unknown, { id: string; notBefore: string | null }>((k) =>
    k.updateTable('outbox_leases').set({ lease_owner: null, lease_until: null, not_before: param('notBefore') }).where('outbound_id', '=', param<string>('id')),
  ),
  attempts: query<{ attempts: number }, { id: string }>((k) => k.selectFrom('outbox_leases').select('attempts').where('outbound_id', '=', param<string>('id'))),
  // Both housekeeping reads start from outbox_leases (only replies sent by REST, a handful) and
  // look each message up by its key: joined the other way round, SQLite scanned every outbound
  // message ever written, once a second (~10 ms at 100k texts, and growing).
  orphans: query<{ outbound_id: string; lease_owner: string | null; lease_until: string | null }, { owner: string }>((k) =>
    k.selectFrom('outbox_leases as l')
      .select(['l.outbound_id', 'l.lease_owner', 'l.lease_until'])
      .where((eb) => eb.exists(eb.selectFrom('outbound_messages as o').select(sql.lit(1).as('x')).whereRef('o.id', '=', 'l.outbound_id').where('o.status', '=', sql.lit('sending'))))
      .where(sql<boolean>`coalesce(l.lease_owner, '') != ${param('owner')}`),
  ),
  orphanToUnknown: query<unknown, { id: string; now: string }>((k) =>
    k.updateTable('outbound_messages').set({ status: 'unknown', updated_at: param('now') }).where('id', '=', param<string>('id')).where('status', '=', 'sending'),
  ),
  dueUnknown: query<{ outbound_id: string }, { now: string; limit: number }>((k) =>
    k.selectFrom('outbox_leases as l').select('l.outbound_id')
      .where((eb) => eb.exists(eb.selectFrom('outbound_messages as o').select(sql.lit(1).as('x')).whereRef('o.id', '=', 'l.outbound_id').where('o.status', '=', sql.lit('unknown'))))
      .where('l.not_before', '<=', param<string>('now'))
      .orderBy('l.not_before').limit(param<number>('limit')),
  ),
  isUnknown: query<{ x: number }, { id: string }>((k) =>
    k.selectFrom('outbound_messages').select(sql.lit(1).as('x')).where('id', '=', param<string>('id')).where('status', '=', 'unknown'),
  ),
};
const Q = REPLY_QUERIES;

export class ReplyQueue {
  constructor(
    private readonly db: Runner,
    /** What the provider's status words and error codes mean (given by wiring: the Twilio adapter's). */
    private readonly policy: ReceiptPolicy,
  ) {}

  async peek(now: string): Promise<{ id: string; segments: number } | null> {
    return (await this.db.read(get(Q.peek, { now }))) ?? null;
  }

  claim(id: string, lease: Lease, now: string): Promise<WorkItem | null> {
    return this.db.tx(claimWork(id, lease, now));
  }

  /** Record what the provider answered. Inside the caller's transaction (results are written in batches). */
  *record(item: WorkItem, outcome: SendOutcome, newId: IdGenerator, now: string): Work<RecordEffect> {
    const id = item.outboundId;
    yield* exec(Q.release, { id, notBefore: null });
    switch (outcome.kind) {
      case 'ok':
        yield* recordOutboundResult(id, { status: outboundStatusFromTwilio(outcome.status), sid: outcome.sid }, now);
        yield* applyStoredReceipt(outcome.sid, this.policy, newId, now);
        return {};
      case 'opted_out': {
        yield* recordOutboundResult(id, { status: 'failed', errorCode: outcome.code }, now);
        const d = (yield* get(Q.details, { id }))!;
        yield* markCarrierOptOut({ contactId: item.contactId, sender: item.text.from, campaignId: d.campaign_id, messageSid: null }, newId, now);
        return {};
      }
      case 'undeliverable':
        yield* recordOutboundResult(id, { status: 'failed', errorCode: outcome.code }, now);
        yield* markUndeliverable(item.contactId, now);
        return {};
      case 'retryable': {
        const { attempts } = (yield* get(Q.attempts, { id }))!;
        if (attempts >= POLICY.maxRetryableAttempts) {
          yield* recordOutboundResult(id, { status: 'failed', errorCode: outcome.code ?? THROTTLED_CODE }, now);
          return {};
        }
        yield* recordOutboundResult(id, { status: 'queued' }, now);
        yield* exec(Q.release, { id, notBefore: addMs(now, POLICY.retryBackoffMs(attempts)) });
        return { penalizeMs: POLICY.penalizeMs };
      }
      case 'rejected':
        yield* recordOutboundResult(id, { status: 'failed', errorCode: outcome.code }, now);
        return {};
      case 'unknown':
        yield* recordOutboundResult(id, { status: 'unknown', errorCode: outcome.code }, now);
        yield* exec(Q.release, { id, notBefore: addMs(now, POLICY.reconcileDelayMs) });
        return {};
    }
  }

  async recoverOrphans(owner: string, gone: (owner: string) => boolean, now: string): Promise<number> {
    let n = 0;
    for (const r of await this.db.read(list(Q.orphans, { owner }))) {
      if (!leaseOrphaned(r, now, gone)) continue;
      n += await this.db.tx(orphanWork(r.outbound_id, now));
    }
    return n;
  }

  dueUnknown(now: string, limit: number): Promise<UnknownWork[]> {
    return this.db.read(dueUnknownWork(now, limit));
  }

  resolve(u: UnknownWork, lookup: LookupOutcome, newId: IdGenerator, now: string): Promise<ResolveResult> {
    return this.db.tx(this.resolveWork(u, lookup, newId, now));
  }

  private *resolveWork(u: UnknownWork, lookup: LookupOutcome, newId: IdGenerator, now: string): Work<ResolveResult> {
    const id = u.outboundId;
    if (!(yield* get(Q.isUnknown, { id }))) return 'gone';
    if (lookup.kind === 'found') {
      yield* recordOutboundResult(id, { status: outboundStatusFromTwilio(lookup.status), sid: lookup.sid, errorCode: lookup.errorCode }, now);
      yield* exec(Q.release, { id, notBefore: null });
      yield* applyStoredReceipt(lookup.sid, this.policy, newId, now);
      return 'adopted';
    }
    if (lookup.kind === 'absent') {
      // Never reached the provider: queue it again; the gate runs again when it is taken.
      yield* recordOutboundResult(id, { status: 'queued' }, now);
      yield* exec(Q.release, { id, notBefore: null });
      return 'requeued';
    }
    const giveUp = Date.parse(now) - u.since.getTime() > POLICY.giveUpAfterMs;
    yield* exec(Q.release, { id, notBefore: giveUp ? null : addMs(now, POLICY.lookupRetryMs) });
    return giveUp ? 'gave_up' : 'later';
  }
}

function* claimWork(id: string, lease: Lease, now: string): Work<WorkItem | null> {
  const admission = yield* admitQueued(id, now);
  if (!admission || admission.refusal !== null) return null;
  const d = (yield* get(Q.details, { id }))!;
  if (!d.sender) {
    yield* exec(OUTBOX_QUERIES.setStatus, { id, status: 'failed', now });
    return null;
  }
  yield* exec(Q.lease, { id, owner: lease.owner, until: lease.until });
  return {
    kind: 'reply', outboundId: id, contactId: d.contact_id, broadcastId: null,
    text: { to: d.phone, from: d.sender, body: d.body }, segments: d.segments,
  };
}

function* orphanWork(id: string, now: string): Work<number> {
  if ((yield* exec(Q.orphanToUnknown, { id, now })) === 0) return 0;
  yield* exec(Q.release, { id, notBefore: now });
  return 1;
}

function* dueUnknownWork(now: string, limit: number): Work<UnknownWork[]> {
  const out: UnknownWork[] = [];
  for (const { outbound_id } of yield* list(Q.dueUnknown, { now, limit })) {
    const d = (yield* get(Q.details, { id: outbound_id }))!;
    if (!d.sender) continue;
    out.push({
      kind: 'reply', outboundId: outbound_id, contactId: d.contact_id, broadcastId: null,
      text: { to: d.phone, from: d.sender, body: d.body }, since: new Date(d.created_at),
    });
  }
  return out;
}
