/** The contacts repository (both engines): the console's search, contact record and manual opt-out. */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../database';
import { likeNoCase, noCase } from '../dialect';
import { all, first, run, type Runner, type Work } from '../work';
import type { AdminOptOut, ContactRecord, ContactSearch, ContactsRepository, ContactSummary } from './repository';
import type { ContactsTable } from './tables';

type ContactRow = Selectable<ContactsTable>;

const summary = (r: ContactRow): ContactSummary => ({
  id: r.id, phone: r.phone, firstName: r.first_name, zip: r.zip, email: r.email, status: r.status,
  undeliverable: r.undeliverable === 1, isTest: r.is_test === 1, createdAt: r.created_at, updatedAt: r.updated_at,
});

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function parseFields(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // a damaged fields column shows as no fields
  }
  return {};
}

export class ContactsStore implements ContactsRepository {
  constructor(private readonly db: Runner) {}

  async search(search: ContactSearch, includeTest: boolean, limit: number): Promise<ContactSummary[]> {
    const k = this.db.k;
    const like = (column: string, pattern: string) => likeNoCase(k, column, pattern);
    let q = k.selectFrom('contacts').selectAll().limit(limit);
    if (!includeTest) q = q.where('is_test', '=', 0);
    if (search.by === 'latest') q = q.orderBy('updated_at', 'desc').orderBy(sql`rowid`, 'desc');
    else if (search.by === 'phone') q = q.where(like('phone', `%${likeEscape(search.digits)}%`)).orderBy('updated_at', 'desc');
    else {
      q = q
        .where((eb) => eb.or([like('first_name', `${likeEscape(search.text)}%`), like('email', `%${likeEscape(search.text)}%`)]))
        .orderBy(noCase(k, 'first_name'))
        .orderBy('updated_at', 'desc');
    }
    return (await this.db.read(all(q))).map(summary);
  }

  record(id: string): Promise<ContactRecord | undefined> {
    return this.db.read(recordWork(this.db.k, id));
  }

  async optOutByAdmin(contactId: string, eventId: string, now: Date): Promise<AdminOptOut> {
    return this.db.tx(optOutWork(this.db.k, contactId, eventId, now.toISOString()));
  }
}

function* recordWork(k: Kysely<DB>, id: string): Work<ContactRecord | undefined> {
  const r = yield* first(k.selectFrom('contacts').selectAll().where('id', '=', id));
  if (!r) return undefined;
  const memberships = (yield* all(
      k.selectFrom('campaign_members as m').innerJoin('campaigns as c', 'c.id', 'm.campaign_id')
        .select(['m.campaign_id', 'c.name', 'm.keyword', 'm.joined_at', 'm.completed_at'])
        .where('m.contact_id', '=', id).orderBy('m.joined_at'),
    ))
    .map((m) => ({ campaignId: m.campaign_id, campaignName: m.name, keyword: m.keyword, joinedAt: m.joined_at, completedAt: m.completed_at }));
  const pledges = (yield* all(
      k.selectFrom('pledges as p').innerJoin('campaigns as c', 'c.id', 'p.campaign_id')
        .select(['c.name', 'p.amount_cents', 'p.frequency', 'p.at'])
        .where('p.contact_id', '=', id).orderBy('p.at').orderBy(sql`p.rowid`),
    ))
    .map((p) => ({ campaignName: p.name, amountCents: p.amount_cents, frequency: p.frequency, at: p.at }));
  const consent = (yield* all(
      k.selectFrom('consent_events as e').leftJoin('campaigns as c', 'c.id', 'e.campaign_id')
        .select(['e.kind', 'e.via', 'e.keyword', 'e.sender', 'c.name as campaign_name', 'e.message_sid', 'e.at'])
        .where('e.contact_id', '=', id).orderBy('e.at').orderBy(sql`e.rowid`),
    ))
    .map((e) => ({ kind: e.kind, via: e.via, keyword: e.keyword, sender: e.sender, campaignName: e.campaign_name, messageSid: e.message_sid, at: e.at }));
  // Replies sort right after the text they answer (same seq), in their position order.
  const inbound = k.selectFrom('inbound_messages').where('contact_id', '=', id).select([
    sql<'in' | 'out'>`'in'`.as('direction'), 'body', sql<string>`'received'`.as('status'), 'received_at as at',
    sql<number>`rowid`.as('seq'), sql<number>`0`.as('pos'),
  ]);
  const outbound = k.selectFrom('outbound_messages as o').leftJoin('inbound_messages as i', 'i.id', 'o.inbound_id').where('o.contact_id', '=', id).select([
    sql<'in' | 'out'>`'out'`.as('direction'), 'o.body', 'o.status', 'o.created_at as at',
    sql<number>`coalesce(i.rowid, 0)`.as('seq'), sql<number>`1 + o.position`.as('pos'),
  ]);
  const messages = (yield* all(
      k.selectFrom(inbound.unionAll(outbound).as('t')).select(['direction', 'body', 'status', 'at'])
        .orderBy('at', 'desc').orderBy('seq', 'desc').orderBy('pos', 'desc').limit(50),
    ))
    .reverse();
  return {
    contact: { ...summary(r), fromState: r.from_state, optedOutAt: r.opted_out_at, language: r.language },
    fields: parseFields(r.fields), memberships, pledges, consent, messages,
  };
}

function* optOutWork(k: Kysely<DB>, contactId: string, eventId: string, at: string): Work<AdminOptOut> {
  const row = yield* first(
    k.updateTable('contacts')
      .set((eb) => ({ status: 'opted_out', opted_out_at: eb.fn.coalesce('opted_out_at', eb.val(at)), updated_at: at }))
      .where('id', '=', contactId).where('status', '!=', 'opted_out')
      .returning('phone'),
  );
  if (!row) return (yield* first(k.selectFrom('contacts').select('id').where('id', '=', contactId))) ? 'already_opted_out' : 'not_found';
  yield* run(
    k.insertInto('consent_events').values({
      id: eventId, contact_id: contactId, phone: row.phone, sender: null, campaign_id: null, kind: 'opt_out', via: 'admin', keyword: null, message_sid: null, at,
    }),
  );
  yield* run(
    k.updateTable('conversations').set({ status: 'interrupted', ended_at: at, updated_at: at })
      .where('contact_id', '=', contactId).where('status', '=', 'waiting'),
  );
  return 'opted_out';
}
