/**
 * The exports repository (both engines). Each export is one Kysely statement, built once per
 * export from its scope with `after`/`limit` slots, compiled and run by the engine in raw mode
 * (arrays, not objects: a million rows cost no per-row key lookups; `Runner.pages`). The paging
 * key is the rowid (PostgreSQL: the identity column of that name), selected after the export's
 * fields; every page is a short read of its own (SQLite: on the engine's read-only scan
 * connection, SqliteDb.scanner: same file, a small page cache of its own).
 */
import { sql, type Expression, type Kysely } from 'kysely';
import type { CampaignRef } from '../campaign-ref';
import { campaignRefs } from '../campaign-refs-work';
import type { Broadcast, DB } from '../database';
import { amountText, engineOf, joined } from '../dialect';
import { param, query, type Query } from '../query';
import { all, exec, first, run, type Keyset, type Runner } from '../work';
import {
  BROADCAST_EXPORT_FIELDS, CONTACT_EXPORT_FIELDS, PLEDGE_EXPORT_FIELDS,
  type BroadcastExportField, type BroadcastScope, type CampaignChoice, type ContactExportField, type ContactScope,
  type ExportOutcome, type ExportRow, type ExportsRepository, type PageSize, type PledgeExportField, type PledgeScope,
} from './repository';
import type { ExportAudit, NewExportAudit } from './tables';

type Fields<F extends string> = Record<F, Expression<unknown>>;

/** The select list: the fields in their published order, then the paging key. */
function selection<F extends string>(order: readonly F[], fields: Fields<F>, key: Expression<unknown>) {
  return [...order.map((f) => sql`${fields[f]}`.as(f)), sql`${key}`.as('k')];
}


/** A custom field of contacts.fields as text (JSON text column; the name is a capture name, checked by the caller). */
function fieldText(k: Kysely<DB>, name: string): Expression<unknown> {
  return engineOf(k) === 'postgres'
    ? sql`(c.fields::jsonb ->> ${name})`
    : sql`CASE json_type(c.fields, ${`$."${name}"`}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract(c.fields, ${`$."${name}"`}) AS TEXT) END`;
}

export function contactsStatement(s: ContactScope): Query<unknown, Keyset> {
  /** ` AND <alias>.campaign_id = …` when the export is about one campaign. */
  const inCampaign = (alias: string) => (s.campaignId === undefined ? sql`` : sql` AND ${sql.ref(`${alias}.campaign_id`)} = ${s.campaignId}`);
  return query<unknown, Keyset>((k) => {
    // Correlated subqueries name the outer row by reference (c.id), as the SQL does.
    const member = () =>
      k.selectFrom('campaign_members as m').where('m.contact_id', '=', sql.ref<string>('c.id')).$if(s.campaignId !== undefined, (q) => q.where('m.campaign_id', '=', s.campaignId!));
    // Repeated in WHERE rather than named by its alias: PostgreSQL does not see select aliases there.
    const joinedAt = sql<string>`coalesce(${member().select((m) => m.fn.min('m.joined_at').as('j'))}, c.created_at)`;
    let q = k
      .selectFrom('contacts as c')
      .leftJoin('pledges as lp', (j) =>
        j.on(
          sql`lp.rowid`,
          '=',
          k.selectFrom('pledges as p').select(sql`p.rowid`.as('r')).where('p.contact_id', '=', sql.ref<string>('c.id'))
            .$if(s.campaignId !== undefined, (sub) => sub.where('p.campaign_id', '=', s.campaignId!))
            .orderBy('p.at', 'desc').orderBy(sql`p.rowid`, 'desc').limit(1),
        ),
      )
      .select((eb) => {
        const memberships = eb
          .selectFrom('campaign_members as m')
          .innerJoin('campaigns as ca', 'ca.id', 'm.campaign_id')
          .select('ca.name')
          .whereRef('m.contact_id', '=', 'c.id')
          .orderBy('m.joined_at').orderBy('ca.name')
          .as('joined');
        const fields: Fields<ContactExportField> = {
          phone: sql.ref('c.phone'),
          first_name: sql.ref('c.first_name'),
          zip: sql.ref('c.zip'),
          email: sql.ref('c.email'),
          campaigns: eb.selectFrom(memberships).select(joined(k, 'name', '; ').as('names')),
          status: sql.ref('c.status'),
          joined_at: joinedAt,
          opted_out_at: sql.ref('c.opted_out_at'),
          pledge_amount: sql`CASE WHEN lp.amount_cents IS NULL THEN NULL ELSE ${amountText(k, 'lp.amount_cents')} END`,
          pledge_frequency: sql.ref('lp.frequency'),
          flow_completed: sql`CASE WHEN ${eb.exists(member().select(sql`1`.as('one')).where('m.completed_at', 'is not', null))} THEN 'yes' ELSE 'no' END`,
          language: sql.ref('c.language'),
          // With a campaign: its referral facts; without: the first code issued, the first credit, all recruits, all teams.
          referral_code: sql`(SELECT r.code FROM referrals r WHERE r.contact_id = c.id AND r.code IS NOT NULL${inCampaign('r')} ORDER BY r.created_at LIMIT 1)`,
          recruited_by: sql`(SELECT rr.code FROM referrals r INNER JOIN referrals rr ON rr.contact_id = r.recruited_by AND rr.campaign_id = r.campaign_id WHERE r.contact_id = c.id${inCampaign('r')} ORDER BY r.recruited_at LIMIT 1)`,
          recruits: sql`(SELECT count(*) FROM referrals r WHERE r.recruited_by = c.id${inCampaign('r')})`,
          teams: sql`(SELECT ${joined(k, 'x.team', '; ')} FROM (SELECT DISTINCT t.team FROM contact_teams t WHERE t.contact_id = c.id${inCampaign('t')} ORDER BY t.team) x)`,
        };
        const custom = (s.customFields ?? []).map((name, i) => sql`${fieldText(k, name)}`.as(`custom_${i}`));
        const [...fixed] = selection(CONTACT_EXPORT_FIELDS, fields, sql`c.rowid`);
        // The paging key stays last: custom fields go before it.
        return [...fixed.slice(0, -1), ...custom, fixed[fixed.length - 1]!];
      })
      .where(sql`c.rowid`, '>', param<number>('after'))
      .where('c.is_test', '=', 0);
    if (!s.includeOptedOut) q = q.where('c.status', '<>', 'opted_out');
    if (s.subscribed) q = q.where('c.status', '=', 'subscribed');
    if (s.campaignId !== undefined) q = q.where((eb) => eb.exists(member().select(sql`1`.as('one'))));
    if (s.pledged) q = q.where('lp.amount_cents', 'is not', null);
    if (s.since !== undefined) q = q.where(joinedAt, '>=', s.since);
    if (s.until !== undefined) q = q.where(joinedAt, '<', s.until);
    return q.orderBy(sql`c.rowid`).limit(param<number>('limit'));
  });
}

const PAID_SUM = 'SELECT sum(d.amount_cents) FROM donations d WHERE d.pledge_id = p.id';
const LAST_PAID = "SELECT max(d.paid_at) FROM donations d WHERE d.pledge_id = p.id AND d.kind = 'payment'";

/** The pledge's status as core/donations.ts pledgeStatus works it out, in SQL (months compared as "YYYY-MM" text). */
function pledgeStatusSql(asOf: string): Expression<unknown> {
  const month = asOf.slice(0, 7);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const previous = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  return sql`CASE
    WHEN coalesce((${sql.raw(PAID_SUM)}), 0) <= 0 THEN (CASE WHEN p.status = 'paid' THEN 'clicked' ELSE p.status END)
    WHEN p.frequency = 'once' THEN 'paid'
    WHEN substr((${sql.raw(LAST_PAID)}), 1, 7) >= ${previous} THEN 'paid'
    ELSE 'lapsed' END`;
}

export function pledgesStatement(s: PledgeScope): Query<unknown, Keyset> {
  return query<unknown, Keyset>((k) => {
    const fields: Fields<PledgeExportField> = {
      phone: sql.ref('c.phone'),
      first_name: sql.ref('c.first_name'),
      zip: sql.ref('c.zip'),
      email: sql.ref('c.email'),
      campaign: sql.ref('ca.name'),
      pledge_amount: amountText(k, 'p.amount_cents'),
      pledge_frequency: sql.ref('p.frequency'),
      pledged_at: sql.ref('p.at'),
      status: pledgeStatusSql(s.asOf ?? new Date().toISOString()),
      paid_total: engineOf(k) === 'postgres'
        ? sql.raw(`(coalesce((${PAID_SUM}), 0) / 100.0)::numeric(14, 2)::text`)
        : sql.raw(`printf('%.2f', coalesce((${PAID_SUM}), 0) / 100.0)`),
      last_paid_at: sql.raw(`(${LAST_PAID})`),
      clicks: sql.raw(`coalesce((SELECT sum(l.clicks) FROM tracked_links l WHERE l.pledge_id = p.id), 0)`),
      contact_status: sql.ref('c.status'),
    };
    let q = k
      .selectFrom('pledges as p')
      .innerJoin('contacts as c', 'c.id', 'p.contact_id')
      .innerJoin('campaigns as ca', 'ca.id', 'p.campaign_id')
      .select(selection(PLEDGE_EXPORT_FIELDS, fields, sql`p.rowid`))
      .where(sql`p.rowid`, '>', param<number>('after'))
      .where('c.is_test', '=', 0);
    if (!s.includeOptedOut) q = q.where('c.status', '<>', 'opted_out');
    if (s.subscribed) q = q.where('c.status', '=', 'subscribed');
    if (s.campaignId !== undefined) q = q.where('p.campaign_id', '=', s.campaignId);
    if (s.since !== undefined) q = q.where('p.at', '>=', s.since);
    if (s.until !== undefined) q = q.where('p.at', '<', s.until);
    return q.orderBy(sql`p.rowid`).limit(param<number>('limit'));
  });
}

function errorText(table: Readonly<Record<number, string>>): Expression<unknown> {
  const whens = Object.entries(table).map(([code, text]) => sql`WHEN ${Number(code)} THEN ${text}`);
  return whens.length === 0 ? sql`NULL` : sql`CASE r.error_code ${sql.join(whens, sql` `)} ELSE NULL END`;
}

export function broadcastStatement(s: BroadcastScope): Query<unknown, Keyset> {
  return query<unknown, Keyset>((k) => {
    const fields: Fields<BroadcastExportField> = {
      phone: sql.ref('c.phone'),
      first_name: sql.ref('c.first_name'),
      zip: sql.ref('c.zip'),
      delivery_status: sql.ref('r.status'),
      error_code: sql.ref('r.error_code'),
      error: errorText(s.errorText),
      twilio_sid: sql.ref('r.twilio_sid'),
      status_updated_at: sql.ref('r.updated_at'),
    };
    let q = k
      .selectFrom('broadcast_recipients as r')
      .innerJoin('contacts as c', 'c.id', 'r.contact_id')
      .select(selection(BROADCAST_EXPORT_FIELDS, fields, sql`r.rowid`))
      .where('r.broadcast_id', '=', s.broadcastId)
      .where(sql`r.rowid`, '>', param<number>('after'))
      .where('c.is_test', '=', 0);
    if (!s.includeOptedOut) q = q.where('c.status', '<>', 'opted_out');
    if (s.status !== undefined) q = q.where('r.status', '=', s.status as never);
    return q.orderBy(sql`r.rowid`).limit(param<number>('limit'));
  });
}

const audit = {
  close: query<unknown, { id: string; outcome: ExportOutcome; rows: number; at: string }>((k) =>
    k.updateTable('export_audit')
      .set({ outcome: param('outcome'), row_count: param('rows'), finished_at: param('at') })
      .where('id', '=', param<string>('id'))
      .where('outcome', '=', 'running'),
  ),
};

export class ExportsStore implements ExportsRepository {
  constructor(private readonly db: Runner) {}

  private get k(): Kysely<DB> {
    return this.db.k;
  }

  findCampaigns(given: string): Promise<CampaignRef[]> {
    return this.db.read(campaignRefs(this.k, given));
  }

  async campaignChoices(): Promise<CampaignChoice[]> {
    const rows = await this.db.read(all(this.k.selectFrom('campaigns').select(['id', 'name', 'active']).orderBy('created_at').orderBy('id')));
    return rows.map((c) => ({ id: c.id, name: c.name, active: c.active === 1 }));
  }

  findBroadcast(id: string): Promise<Pick<Broadcast, 'id' | 'name'> | undefined> {
    return this.db.read(first(this.k.selectFrom('broadcasts').select(['id', 'name']).where('id', '=', id)));
  }

  contacts(scope: ContactScope, size: PageSize): AsyncIterable<ExportRow[]> {
    return this.db.pages(contactsStatement(scope), size);
  }

  pledges(scope: PledgeScope, size: PageSize): AsyncIterable<ExportRow[]> {
    return this.db.pages(pledgesStatement(scope), size);
  }

  broadcastRecipients(scope: BroadcastScope, size: PageSize): AsyncIterable<ExportRow[]> {
    return this.db.pages(broadcastStatement(scope), size);
  }

  async openAudit(row: Omit<NewExportAudit, 'outcome' | 'row_count' | 'finished_at'>): Promise<void> {
    await this.db.read(run(this.k.insertInto('export_audit').values({ ...row, outcome: 'running', row_count: 0, finished_at: null })));
  }

  async closeAudit(id: string, outcome: ExportOutcome, rowCount: number, at: string): Promise<void> {
    await this.db.read(exec(audit.close, { id, outcome, rows: rowCount, at }));
  }

  listAudit(limit: number, before?: string): Promise<ExportAudit[]> {
    let q = this.k.selectFrom('export_audit').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit);
    if (before !== undefined) q = q.where('started_at', '<', before);
    return this.db.read(all(q));
  }
}
