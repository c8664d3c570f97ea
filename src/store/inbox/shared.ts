/**
 * The inbox (both engines): thread lists (built per call: filters vary), one thread's messages from the
 * inbound and outbound tables, assignment, and replies written through the outbox chokepoint
 * (`enqueueOutbound`, delivery 'queued': the dispatcher sends them, replies before bulk).
 */
import { sql } from 'kysely';
import type { AutoReplySetting } from '../../core/campaign';
import type { IdGenerator } from '../../core/clock';
import { bumpVersion } from '../campaigns/shared';
import { enqueueOutboundWork } from '../outbox/gate';
import { all, engine, first, run, type Runner, type Work } from '../work';
import type {
  CannedResponse, InboxRepository, QueuedReply, ReplyRefusal, ThreadFilter, ThreadMessage, ThreadRow,
} from './repository';

/** Thrown inside a reply's transaction to roll it back: a refused reply leaves no row. */
class Refused extends Error {
  constructor(readonly refusal: ReplyRefusal) {
    super(refusal);
  }
}

export class InboxStore implements InboxRepository {
  constructor(private readonly db: Runner) {}

  private threads() {
    return this.db.k
      .selectFrom('inbox_threads as t')
      .innerJoin('contacts as c', 'c.id', 't.contact_id')
      .selectAll('t')
      .select(['c.phone as phone', 'c.first_name as firstName', 'c.status as contactStatus']);
  }

  list(f: ThreadFilter): Promise<ThreadRow[]> {
    let q = this.threads();
    if (f.status) q = q.where('t.status', '=', f.status);
    if (f.assignee === null) q = q.where('t.assignee', 'is', null);
    else if (f.assignee !== undefined) q = q.where('t.assignee', '=', f.assignee);
    if (f.visibleTo !== undefined) {
      const me = f.visibleTo;
      q = q.where((eb) => eb.or([eb('t.assignee', 'is', null), eb('t.assignee', '=', me)]));
    }
    if (f.campaignId) q = q.where('t.campaign_id', '=', f.campaignId);
    if (f.unreadOnly) q = q.where('t.unread', '>', 0);
    if (f.before) q = q.where('t.last_at', '<', f.before);
    return this.db.read(all(q.orderBy('t.last_at', 'desc').orderBy('t.contact_id').limit(f.limit)));
  }

  async thread(contactId: string): Promise<ThreadRow | null> {
    return (await this.db.read(first(this.threads().where('t.contact_id', '=', contactId)))) ?? null;
  }

  async messages(contactId: string, limit: number): Promise<ThreadMessage[]> {
    const k = this.db.k;
    const inbound = await this.db.read(all(
      k.selectFrom('inbound_messages').select(['id', 'body', 'received_at', 'handled_as'])
        .where('contact_id', '=', contactId).orderBy('received_at', 'desc').limit(limit),
    ));
    const outbound = await this.db.read(all(
      k.selectFrom('outbound_messages as o').leftJoin('inbox_replies as r', 'r.outbound_id', 'o.id')
        .select(['o.id', 'o.body', 'o.created_at', 'o.status', 'o.kind', 'o.error_code', 'o.segments', 'o.position', 'o.inbound_id', 'r.author'])
        .where('o.contact_id', '=', contactId).orderBy('o.created_at', 'desc').limit(limit),
    ));
    const rows: (ThreadMessage & { order: number })[] = [
      ...inbound.map((m) => ({
        id: m.id, direction: 'in' as const, body: m.body, at: m.received_at, handledAs: m.handled_as, status: null, kind: null,
        errorCode: null, segments: null, author: null, order: 0,
      })),
      ...outbound.map((m) => ({
        id: m.id, direction: 'out' as const, body: m.body, at: m.created_at, handledAs: null, status: m.status, kind: m.kind,
        errorCode: m.error_code, segments: m.segments, author: m.author, order: m.inbound_id === null ? 1_000 : 1 + Number(m.position),
      })),
    ];
    // Oldest first; in the same instant: the text, its webhook replies in order, then texts sent later by the outbox.
    rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
    return rows.slice(-limit).map(({ order: _order, ...m }) => m);
  }

  async markRead(contactId: string, now: string): Promise<void> {
    await this.db.tx(run(
      this.db.k.updateTable('inbox_threads').set({ unread: 0, first_unread_at: null, updated_at: now })
        .where('contact_id', '=', contactId).where('unread', '>', 0),
    ));
  }

  async setStatus(contactId: string, status: 'open' | 'done', now: string): Promise<boolean> {
    return (await this.db.tx(run(this.db.k.updateTable('inbox_threads').set({ status, updated_at: now }).where('contact_id', '=', contactId)))) > 0;
  }

  assign(contactId: string, assignee: string | null, now: string, onlyIf?: string): Promise<'ok' | 'no_thread' | 'taken'> {
    const k = this.db.k;
    return this.db.tx(
      (function* (): Work<'ok' | 'no_thread' | 'taken'> {
        const t = yield* first(k.selectFrom('inbox_threads').select('assignee').where('contact_id', '=', contactId));
        if (!t) return 'no_thread';
        if (onlyIf !== undefined && t.assignee !== null && t.assignee !== onlyIf) return 'taken';
        yield* run(k.updateTable('inbox_threads').set({ assignee, updated_at: now }).where('contact_id', '=', contactId));
        return 'ok';
      })(),
    );
  }

  async unassigned(limit: number, campaignId?: string): Promise<string[]> {
    let q = this.db.k.selectFrom('inbox_threads').select('contact_id').where('status', '=', 'open').where('assignee', 'is', null);
    if (campaignId) q = q.where('campaign_id', '=', campaignId);
    // Unread first, oldest waiting first; then the rest by their last text.
    q = q.orderBy(sql`case when first_unread_at is null then 1 else 0 end`).orderBy('first_unread_at').orderBy('last_at').orderBy('contact_id');
    return (await this.db.read(all(q.limit(limit)))).map((r) => r.contact_id);
  }

  assignMany(pairs: readonly [string, string][], now: string): Promise<Record<string, number>> {
    const k = this.db.k;
    return this.db.tx(
      (function* (): Work<Record<string, number>> {
        const got: Record<string, number> = {};
        for (const [contactId, assignee] of pairs) {
          got[assignee] ??= 0;
          const n = yield* run(
            k.updateTable('inbox_threads').set({ assignee, updated_at: now }).where('contact_id', '=', contactId).where('assignee', 'is', null),
          );
          got[assignee] += n;
        }
        return got;
      })(),
    );
  }

  async next(assignee: string): Promise<ThreadRow | null> {
    const q = this.threads().where('t.assignee', '=', assignee).where('t.status', '=', 'open').where('t.unread', '>', 0)
      .orderBy('t.first_unread_at').orderBy('t.contact_id').limit(1);
    return (await this.db.read(first(q))) ?? null;
  }

  async queueReply(
    r: { contactId: string; body: string; author: string }, newId: IdGenerator, now: string,
  ): Promise<{ ok: true; reply: QueuedReply } | { ok: false; refusal: ReplyRefusal }> {
    const k = this.db.k;
    try {
      const reply = await this.db.tx(
        (function* (): Work<QueuedReply> {
          // PostgreSQL: the contact's row lock makes replies to one number queue one after the other,
          // in the order they reached the database (SQLite's single writer does so already).
          const read = k.selectFrom('contacts').select(['id', 'status']).where('id', '=', r.contactId);
          const contact = yield* first((yield* engine()) === 'postgres' ? read.forUpdate() : read);
          if (!contact) throw new Refused('no_contact');
          const thread = yield* first(k.selectFrom('inbox_threads').select('campaign_id').where('contact_id', '=', r.contactId));
          const campaignId = thread?.campaign_id ?? null;
          // The chokepoint: it re-reads the contact's status in this transaction and refuses what mayText forbids.
          const out = yield* enqueueOutboundWork(
            { contactId: r.contactId, campaignId, inboundId: null, position: 0, kind: 'reply', purpose: 'reply', body: r.body, delivery: 'queued' },
            newId, now,
          );
          if (!out.accepted) throw new Refused(contact.status === 'opted_out' ? 'opted_out' : 'not_subscribed');
          yield* run(k.insertInto('inbox_replies').values({ outbound_id: out.id, contact_id: r.contactId, author: r.author, created_at: now }));
          yield* run(
            k.insertInto('inbox_threads')
              .values({
                contact_id: r.contactId, campaign_id: campaignId, status: 'open', unread: 0, first_unread_at: null, last_text: r.body,
                last_at: now, assignee: null, last_auto_reply_at: null, created_at: now, updated_at: now,
              })
              .onConflict((oc) => oc.column('contact_id').doUpdateSet({ unread: 0, first_unread_at: null, last_text: r.body, last_at: now, updated_at: now })),
          );
          const segments = (yield* first(k.selectFrom('outbound_messages').select('segments').where('id', '=', out.id)))!.segments;
          return { outboundId: out.id, contactId: r.contactId, campaignId, body: r.body, segments: Number(segments), author: r.author, at: now };
        })(),
      );
      return { ok: true, reply };
    } catch (err) {
      if (err instanceof Refused) return { ok: false, refusal: err.refusal };
      throw err;
    }
  }

  cannedList(): Promise<CannedResponse[]> {
    return this.db.read(all(this.db.k.selectFrom('canned_responses').selectAll().orderBy('title').orderBy('id')));
  }

  async cannedCreate(c: { id: string; title: string; body: string; bodies?: string | null }, now: string): Promise<CannedResponse> {
    const row: CannedResponse = { id: c.id, title: c.title, body: c.body, bodies: c.bodies ?? null, created_at: now, updated_at: now };
    await this.db.tx(run(this.db.k.insertInto('canned_responses').values(row)));
    return row;
  }

  async cannedDelete(id: string): Promise<boolean> {
    return (await this.db.tx(run(this.db.k.deleteFrom('canned_responses').where('id', '=', id)))) > 0;
  }

  async autoReply(campaignId: string): Promise<AutoReplySetting | null> {
    const r = await this.db.read(first(this.db.k.selectFrom('campaign_auto_replies').selectAll().where('campaign_id', '=', campaignId)));
    return r ? { enabled: Number(r.enabled) === 1, text: r.body } : null;
  }

  async setAutoReply(campaignId: string, s: AutoReplySetting, now: string): Promise<void> {
    const k = this.db.k;
    const row = { campaign_id: campaignId, enabled: s.enabled ? 1 : 0, body: s.text, updated_at: now };
    await this.db.tx(
      (function* (): Work<void> {
        yield* run(k.insertInto('campaign_auto_replies').values(row).onConflict((oc) => oc.column('campaign_id').doUpdateSet({ enabled: row.enabled, body: row.body, updated_at: now })));
        yield* bumpVersion(k, `${now}#auto-reply#${campaignId}`);
      })(),
    );
  }
}
