/**
 * Bulk work (both engines: src/store/work.ts): broadcast_recipients rows. Each method is one short
 * transaction (or runs inside the caller's, where it says so).
 *
 * claim:   takes the next pending rows of a sending broadcast whose recipients are inside quiet
 *          hours, renders each text, passes it through the outbox gate (`admitForSend`: opt-out
 *          re-check), and marks the row 'sending' with the dispatcher's lease, all at once, just
 *          before the requests go out. Two dispatchers never take one row twice: on SQLite they
 *          serialize on the write lock; on PostgreSQL the rows are claimed FOR UPDATE SKIP LOCKED
 *          (each dispatcher takes rows no other transaction holds) and re-checked 'pending'.
 * record:  writes what the provider answered.
 * recover: rows left 'sending' by a dead dispatcher (or an expired lease) become 'unknown'.
 * resolve: an 'unknown' row after looking it up: adopt the found message, or put the row back to
 *          pending (the message provably does not exist, so sending it is not a duplicate).
 */
import { templateFor } from '../../core/broadcast-languages';
import { sql } from 'kysely';
import type { IdGenerator } from '../../core/clock';
import { stateOf } from '../../core/audience';
import { carriesDonationLink, renderForRecipient } from '../../core/broadcast-template';
import { linkPath, shortCode } from '../../core/donations';
import { segmentCount } from '../../core/segments';
import {
  addMs, leaseOrphaned, POLICY, THROTTLED_CODE, type LookupOutcome, type RecordEffect, type ResolveResult, type SendOutcome, type UnknownWork, type WorkItem,
} from '../../core/sending';
import type { RecipientStatus } from '../broadcasts/tables';
import type { ReceiptPolicy } from '../receipts/repository';
import { applyStoredReceipt } from '../receipts/shared';
import { param, query, type Query } from '../query';
import { engineOf } from '../dialect';
import { exec, get, list, type Runner, type Work } from '../work';
import { markCarrierOptOut, markUndeliverable } from './contact-flags';
import { admitForSend, outboundStatusFromTwilio, recordOutboundResult, type Refusal } from './gate';
import type { BroadcastPlan, ClaimBatch, Lease } from './repository';
import { openAskConversation } from '../broadcasts/conversations';

const REFUSAL_STATUS: Record<Refusal, RecipientStatus> = {
  opted_out: 'opted_out', not_subscribed: 'opted_out', undeliverable: 'undeliverable', no_contact: 'canceled',
};

interface NextRow {
  contact_id: string;
  /** The supporter's language (issue 16), for a broadcast in several languages. */
  language: string | null;
  campaign_id: string;
  keyword: string | null;
  phone: string;
  first_name: string | null;
  zip: string | null;
  from_state: string | null;
  /** Earlier claims of this row (a retry, or a resend after a lookup): it may already have its donation link. */
  attempts: number;
}

type Key = { bid: string; contact: string };
type RowKey = Key & { outbound: string };

/** The next pending rows, one prepared statement per number of open zones (-1: no quiet hours). */
const nextQueries = new Map<number, Query<NextRow, Record<string, unknown>>>();
function nextQuery(zones: number | null): Query<NextRow, Record<string, unknown>> {
  const key = zones ?? -1;
  let q = nextQueries.get(key);
  if (!q) {
    q = query<NextRow, Record<string, unknown>>((k) => {
      let b = k
        .selectFrom('broadcast_recipients as r')
        .innerJoin('contacts as c', 'c.id', 'r.contact_id')
        .select(['r.contact_id', 'r.campaign_id', 'r.keyword', 'c.phone', 'c.first_name', 'c.zip', 'c.from_state', 'c.language', 'r.attempts'])
        .where('r.broadcast_id', '=', param<string>('bid'))
        .where('r.status', '=', 'pending')
        .where((eb) => eb.or([eb('r.not_before', 'is', null), eb('r.not_before', '<=', param<string>('now'))]));
      if (zones !== null) b = b.where('r.time_zone', 'in', Array.from({ length: zones }, (_, i) => param<string>(`z${i}`)));
      const ordered = b.orderBy('r.seq').limit(param<number>('limit'));
      // PostgreSQL: dispatchers on several hosts each take rows no other one holds, without waiting.
      return engineOf(k) === 'postgres' ? ordered.forUpdate('r').skipLocked() : ordered;
    });
    nextQueries.set(key, q);
  }
  return q;
}

/** A recipient's donation link in a broadcast ({{donation_link}}): one per broadcast and recipient, made at the first claim. */
export const DONATION_LINK = {
  existing: query<{ code: string }, Key>((k) =>
    k.selectFrom('tracked_links').select('code').where('broadcast_id', '=', param<string>('bid')).where('contact_id', '=', param<string>('contact'))
      .where('kind', '=', sql.lit('donation')),
  ),
  pledge: query<{ id: string }, { contact: string; campaign: string }>((k) =>
    k.selectFrom('pledges').select('id').where('contact_id', '=', param<string>('contact')).where('campaign_id', '=', param<string>('campaign'))
      .orderBy(sql`rowid`, 'desc').limit(1),
  ),
  insert: query<unknown, Key & { code: string; campaign: string; pledge: string | null; now: string }>((k) =>
    k.insertInto('tracked_links').values({
      code: param('code'), kind: sql.lit('donation'), campaign_id: param('campaign'), contact_id: param('contact'), pledge_id: param('pledge'),
      broadcast_id: param('bid'), clicks: sql.lit(0), created_at: param('now'),
    }),
  ),
  linkSent: query<unknown, { id: string }>((k) =>
    k.updateTable('pledges').set({ status: sql.lit('link_sent') }).where('id', '=', param<string>('id')).where('status', '=', sql.lit('pledged')),
  ),
};

const Q = {
  broadcastStatus: query<{ status: string }, { id: string }>((k) => k.selectFrom('broadcasts').select('status').where('id', '=', param<string>('id'))),
  refuse: query<unknown, Key & { status: RecipientStatus; outbound: string; now: string }>((k) =>
    k.updateTable('broadcast_recipients').set({ status: param('status'), outbound_id: param('outbound'), updated_at: param('now') })
      .where('broadcast_id', '=', param<string>('bid')).where('contact_id', '=', param<string>('contact')),
  ),
  take: query<unknown, Key & { outbound: string; segments: number; owner: string; until: string; now: string }>((k) =>
    k.updateTable('broadcast_recipients')
      .set((eb) => ({
        status: 'sending', outbound_id: param<string>('outbound'), segments: param<number>('segments'), attempts: eb('attempts', '+', 1),
        not_before: null, lease_owner: param<string>('owner'), lease_until: param<string>('until'), updated_at: param<string>('now'),
      }))
      .where('broadcast_id', '=', param<string>('bid')).where('contact_id', '=', param<string>('contact')),
  ),
  result: query<unknown, RowKey & { status: RecipientStatus; sid: string | null; code: number | null; sent: number; notBefore: string | null; now: string }>((k) =>
    k.updateTable('broadcast_recipients')
      .set({
        status: param('status'),
        twilio_sid: sql<string | null>`coalesce(${param('sid')}, twilio_sid)`,
        error_code: sql<number | null>`coalesce(${param('code')}, error_code)`,
        sent_at: sql<string | null>`CASE WHEN ${param('sent')} THEN coalesce(sent_at, ${param('now')}) ELSE sent_at END`,
        not_before: param('notBefore'), lease_owner: null, lease_until: null, updated_at: param('now'),
      })
      .where('broadcast_id', '=', param<string>('bid')).where('contact_id', '=', param<string>('contact')).where('outbound_id', '=', param<string>('outbound')),
  ),
  attempts: query<{ attempts: number; campaign_id: string }, Key>((k) =>
    k.selectFrom('broadcast_recipients').select(['attempts', 'campaign_id'])
      .where('broadcast_id', '=', param<string>('bid')).where('contact_id', '=', param<string>('contact')),
  ),
  orphans: query<{ broadcast_id: string; contact_id: string; outbound_id: string | null; lease_owner: string | null; lease_until: string | null }, { owner: string }>((k) =>
    k.selectFrom('broadcast_recipients').select(['broadcast_id', 'contact_id', 'outbound_id', 'lease_owner', 'lease_until'])
      .where('status', '=', 'sending')
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '!=', param<string>('owner'))])),
  ),
  orphanToUnknown: query<unknown, Key & { owner: string | null; now: string }>((k) =>
    k.updateTable('broadcast_recipients')
      .set({ status: 'unknown', not_before: param('now'), lease_owner: null, lease_until: null, updated_at: param('now') })
      .where('broadcast_id', '=', param<string>('bid')).where('contact_id', '=', param<string>('contact')).where('status', '=', 'sending')
      .where(sql<boolean>`coalesce(lease_owner, '') = coalesce(${param('owner')}, '')`),
  ),
  outboundUnknown: query<unknown, { id: string; now: string }>((k) =>
    k.updateTable('outbound_messages').set({ status: 'unknown', updated_at: param('now') })
      .where('id', '=', param<string>('id')).where('status', '=', 'sending'),
  ),
  dueUnknown: query<
    { broadcast_id: string; contact_id: string; outbound_id: string | null; body: string; created_at: string; phone: string; sender: string },
    { now: string; limit: number }
  >((k) =>
    k.selectFrom('broadcast_recipients as r')
      .innerJoin('outbound_messages as o', 'o.id', 'r.outbound_id')
      .innerJoin('contacts as c', 'c.id', 'r.contact_id')
      .innerJoin('campaigns as camp', 'camp.id', 'r.campaign_id')
      .select(['r.broadcast_id', 'r.contact_id', 'r.outbound_id', 'o.body', 'o.created_at', 'c.phone', 'camp.sender'])
      .where('r.status', '=', 'unknown').where('r.not_before', '<=', param<string>('now'))
      .orderBy('r.not_before').limit(param<number>('limit')),
  ),
  unknownRow: query<{ status: string }, RowKey>((k) =>
    k.selectFrom('broadcast_recipients as r').innerJoin('broadcasts as b', 'b.id', 'r.broadcast_id').select('b.status')
      .where('r.broadcast_id', '=', param<string>('bid')).where('r.contact_id', '=', param<string>('contact'))
      .where('r.status', '=', 'unknown').where('r.outbound_id', '=', param<string>('outbound')),
  ),
  requeue: query<unknown, RowKey & { status: RecipientStatus; now: string }>((k) =>
    k.updateTable('broadcast_recipients').set({ status: param('status'), not_before: null, updated_at: param('now') })
      .where('broadcast_id', '=', param<string>('bid')).where('contact_id', '=', param<string>('contact')).where('outbound_id', '=', param<string>('outbound')),
  ),
  lookupLater: query<unknown, RowKey & { notBefore: string | null; now: string }>((k) =>
    k.updateTable('broadcast_recipients').set({ not_before: param('notBefore'), updated_at: param('now') })
      .where('broadcast_id', '=', param<string>('bid')).where('contact_id', '=', param<string>('contact')).where('outbound_id', '=', param<string>('outbound')),
  ),
};

export class BulkQueue {
  constructor(
    private readonly db: Runner,
    /** What the provider's status words and error codes mean (given by wiring: the Twilio adapter's). */
    private readonly policy: ReceiptPolicy,
  ) {}

  /**
   * Take up to `limit` texts in one transaction. Each passes the outbox gate in this transaction;
   * the caller starts every request right after it commits, in the same tick, so the opt-out
   * check still happens immediately before the send.
   */
  async claim(plan: BroadcastPlan, zones: readonly string[] | null, limit: number, lease: Lease, newId: IdGenerator, now: string): Promise<ClaimBatch> {
    if (zones !== null && zones.length === 0) return { items: [], refused: 0, stopped: false, exhausted: true };
    return this.db.tx(claimWork(plan, zones, limit, lease, newId, now));
  }

  /** Record what the provider answered. Inside the caller's transaction (results are written in batches). */
  *record(item: WorkItem, outcome: SendOutcome, newId: IdGenerator, now: string): Work<RecordEffect> {
    return yield* recordWork(this.policy, item, outcome, newId, now);
  }

  /** Rows another dispatcher left in flight; returns how many became 'unknown' (to be looked up now). */
  async recoverOrphans(owner: string, gone: (owner: string) => boolean, now: string): Promise<number> {
    let n = 0;
    for (const r of await this.db.read(list(Q.orphans, { owner }))) {
      if (!leaseOrphaned(r, now, gone)) continue;
      n += await this.db.tx(orphanWork(r, now));
    }
    return n;
  }

  async dueUnknown(now: string, limit: number): Promise<UnknownWork[]> {
    return (await this.db.read(list(Q.dueUnknown, { now, limit }))).map((r) => ({
      kind: 'bulk', outboundId: r.outbound_id!, contactId: r.contact_id, broadcastId: r.broadcast_id,
      text: { to: r.phone, from: r.sender, body: r.body }, since: new Date(r.created_at),
    }));
  }

  resolve(u: UnknownWork, lookup: LookupOutcome, newId: IdGenerator, now: string): Promise<ResolveResult> {
    return this.db.tx(resolveWork(this.policy, u, lookup, newId, now));
  }
}

function* claimWork(plan: BroadcastPlan, zones: readonly string[] | null, limit: number, lease: Lease, newId: IdGenerator, now: string): Work<ClaimBatch> {
  const b = yield* get(Q.broadcastStatus, { id: plan.id });
  if (b?.status !== 'sending') return { items: [], refused: 0, stopped: true, exhausted: true };
  const params: Record<string, unknown> = { bid: plan.id, now, limit };
  (zones ?? []).forEach((z, i) => (params[`z${i}`] = z));
  const rows = yield* list(nextQuery(zones === null ? null : zones.length), params);
  const batch: ClaimBatch = { items: [], refused: 0, stopped: false, exhausted: rows.length < limit };
  for (const row of rows) {
    const campaign = plan.campaigns.get(row.campaign_id);
    // Their language's text (a broadcast in one language: its template), chosen once per recipient.
    const template = plan.templates ? templateFor(plan.template, plan.templates, row.language, campaign?.languages) : plan.template;
    // Their own tracked donation link, only where the text carries one: the code of an earlier
    // claim of this row (a retry sends the same link), else a new one, kept only if the text goes.
    let link: { code: string; fresh: boolean } | null = null;
    if (campaign?.donationUrl && plan.linkBase && carriesDonationLink(template)) {
      const key = { bid: plan.id, contact: row.contact_id };
      const earlier = Number(row.attempts) > 0 ? (yield* get(DONATION_LINK.existing, key))?.code : undefined;
      link = earlier ? { code: earlier, fresh: false } : { code: shortCode(newId()), fresh: true };
    }
    const body = renderForRecipient(template, plan.footer, {
      firstName: row.first_name, zip: row.zip, state: stateOf(row.zip, row.from_state), programName: campaign?.programName ?? '',
      keyword: row.keyword, sender: campaign?.sender ?? '', donationLink: link ? `${plan.linkBase}${linkPath(link.code)}` : null,
    });
    const admission = yield* admitForSend({ contactId: row.contact_id, campaignId: row.campaign_id, kind: 'broadcast', purpose: 'broadcast', body }, newId, now);
    if (admission.refusal === null && link?.fresh) {
      const pledge = (yield* get(DONATION_LINK.pledge, { contact: row.contact_id, campaign: row.campaign_id }))?.id ?? null;
      yield* exec(DONATION_LINK.insert, { bid: plan.id, contact: row.contact_id, code: link.code, campaign: row.campaign_id, pledge, now });
      if (pledge) yield* exec(DONATION_LINK.linkSent, { id: pledge });
    }
    if (admission.refusal !== null) {
      yield* exec(Q.refuse, { bid: plan.id, contact: row.contact_id, status: REFUSAL_STATUS[admission.refusal], outbound: admission.outboundId, now });
      batch.refused += 1;
      continue;
    }
    const item: WorkItem = {
      kind: 'bulk', outboundId: admission.outboundId, contactId: row.contact_id, broadcastId: plan.id,
      text: { to: row.phone, from: campaign?.sender ?? '', body }, segments: segmentCount(body),
    };
    yield* exec(Q.take, { bid: plan.id, contact: row.contact_id, outbound: admission.outboundId, segments: item.segments, owner: lease.owner, until: lease.until, now });
    batch.items.push(item);
  }
  return batch;
}

function* recordWork(policy: ReceiptPolicy, item: WorkItem, outcome: SendOutcome, newId: IdGenerator, now: string): Work<RecordEffect> {
    const key = { bid: item.broadcastId!, contact: item.contactId };
    const set = (status: RecipientStatus, o: { sid?: string | null; code?: number | null; sent?: boolean; notBefore?: string | null } = {}) =>
      exec(Q.result, { bid: item.broadcastId!, contact: item.contactId, outbound: item.outboundId, status, sid: o.sid ?? null, code: o.code ?? null, sent: o.sent ? 1 : 0, notBefore: o.notBefore ?? null, now });
    switch (outcome.kind) {
      case 'ok': {
        yield* recordOutboundResult(item.outboundId, { status: outboundStatusFromTwilio(outcome.status), sid: outcome.sid }, now);
        yield* set(policy.recipientStatus(outcome.status, null) ?? 'queued', { sid: outcome.sid, sent: true });
        yield* applyStoredReceipt(outcome.sid, policy, newId, now);
        yield* openAskConversation(item.broadcastId!, item.contactId, newId, now);
        return {};
      }
      case 'opted_out': {
        yield* recordOutboundResult(item.outboundId, { status: 'failed', errorCode: outcome.code }, now);
        yield* set('opted_out', { code: outcome.code });
        const { campaign_id } = (yield* get(Q.attempts, key))!;
        yield* markCarrierOptOut({ contactId: item.contactId, sender: item.text.from, campaignId: campaign_id, messageSid: null }, newId, now);
        return {};
      }
      case 'undeliverable': {
        yield* recordOutboundResult(item.outboundId, { status: 'failed', errorCode: outcome.code }, now);
        yield* set('undeliverable', { code: outcome.code });
        yield* markUndeliverable(item.contactId, now);
        return {};
      }
      case 'retryable': {
        const { attempts } = (yield* get(Q.attempts, key))!;
        yield* recordOutboundResult(item.outboundId, { status: 'canceled', errorCode: outcome.code ?? THROTTLED_CODE }, now);
        if (attempts >= POLICY.maxRetryableAttempts) {
          yield* set('failed', { code: outcome.code ?? THROTTLED_CODE });
          return {};
        }
        yield* set('pending', { notBefore: addMs(now, POLICY.retryBackoffMs(attempts)) });
        return { penalizeMs: POLICY.penalizeMs };
      }
      case 'rejected': {
        yield* recordOutboundResult(item.outboundId, { status: 'failed', errorCode: outcome.code }, now);
        if (outcome.accountLevel) {
          // Not this recipient's fault: put it back and stop the broadcast for a human to look at.
          yield* set('pending');
          return { pauseBroadcast: `Twilio refused the send (${outcome.code ?? outcome.httpStatus}: ${outcome.message}); fix the account or sender, then resume` };
        }
        yield* set('failed', { code: outcome.code });
        return {};
      }
      case 'unknown': {
        yield* recordOutboundResult(item.outboundId, { status: 'unknown', errorCode: outcome.code }, now);
        yield* set('unknown', { code: outcome.code, notBefore: addMs(now, POLICY.reconcileDelayMs) });
        return {};
      }
    }
}

function* orphanWork(r: { broadcast_id: string; contact_id: string; outbound_id: string | null; lease_owner: string | null }, now: string): Work<number> {
  const changed = yield* exec(Q.orphanToUnknown, { bid: r.broadcast_id, contact: r.contact_id, owner: r.lease_owner, now });
  if (changed > 0 && r.outbound_id) yield* exec(Q.outboundUnknown, { id: r.outbound_id, now });
  return changed;
}

function* resolveWork(policy: ReceiptPolicy, u: UnknownWork, lookup: LookupOutcome, newId: IdGenerator, now: string): Work<ResolveResult> {
    const key = { bid: u.broadcastId!, contact: u.contactId, outbound: u.outboundId };
    const cur = yield* get(Q.unknownRow, key);
    if (!cur) return 'gone';
    if (lookup.kind === 'found') {
      yield* recordOutboundResult(u.outboundId, { status: outboundStatusFromTwilio(lookup.status), sid: lookup.sid, errorCode: lookup.errorCode }, now);
      yield* exec(Q.result, {
        bid: key.bid, contact: key.contact, outbound: key.outbound, status: policy.recipientStatus(lookup.status, lookup.errorCode) ?? 'queued', sid: lookup.sid, code: lookup.errorCode,
        sent: 1, notBefore: null, now,
      });
      yield* applyStoredReceipt(lookup.sid, policy, newId, now);
      yield* openAskConversation(u.broadcastId!, u.contactId, newId, now);
      return 'adopted';
    }
    if (lookup.kind === 'absent') {
      // The provider has no such message: it was never sent. Send it again unless the broadcast was canceled.
      yield* recordOutboundResult(u.outboundId, { status: 'canceled' }, now);
      const again = cur.status === 'sending' || cur.status === 'paused' || cur.status === 'scheduled';
      yield* exec(Q.requeue, { bid: key.bid, contact: key.contact, outbound: key.outbound, status: again ? 'pending' : 'canceled', now });
      return 'requeued';
    }
    const giveUp = Date.parse(now) - u.since.getTime() > POLICY.giveUpAfterMs;
    yield* exec(Q.lookupLater, { bid: key.bid, contact: key.contact, outbound: key.outbound, notBefore: giveUp ? null : addMs(now, POLICY.lookupRetryMs), now });
    return giveUp ? 'gave_up' : 'later';
}
