/**
 * The imports repository on SQLite. A real import is ONE synchronous transaction (read every
 * number, decide, write), so no text or opt-out can slip between the decision and the write, and
 * a failure on row 9,000 leaves rows 1-8,999 unwritten too. The statements run once per row, so
 * they are prepared queries.
 */
import type { CampaignRef } from '../campaign-ref';
import { campaignRefs } from '../sqlite/campaign-refs';
import { bind, param, query, type Query } from '../query';
import type { SqliteDb } from '../sqlite/db';
import type { ExistingContact, ImportPlan, ImportTarget, ImportWrites, ImportsRepository } from './repository';
import type { ContactImport } from './tables';

type Existing = Omit<ExistingContact, 'member'>;
type Status = ExistingContact['status'];

const SQL = {
  find: query<Existing, { phone: string }>((k) =>
    k.selectFrom('contacts').select(['id', 'status', 'first_name', 'zip', 'email']).where('phone', '=', param<string>('phone')),
  ),
  isMember: query<{ ok: number }, { campaign: string; contact: string }>((k) =>
    k.selectFrom('campaign_members').select((eb) => eb.lit(1).as('ok'))
      .where('campaign_id', '=', param<string>('campaign')).where('contact_id', '=', param<string>('contact')),
  ),
  insertContact: query<unknown, ImportWrites['created'][number] & { at: string }>((k) =>
    k.insertInto('contacts').values({
      id: param<string>('id'), phone: param<string>('phone'), first_name: param<string | null>('first_name'), zip: param<string | null>('zip'),
      email: param<string | null>('email'), status: param<Status>('status'), fields: '{}', undeliverable: 0, is_test: 0,
      created_at: param<string>('at'), updated_at: param<string>('at'),
    }),
  ),
  updateContact: query<unknown, ImportWrites['updated'][number] & { at: string }>((k) =>
    k.updateTable('contacts')
      .set((eb) => ({
        status: param<Status>('status'),
        first_name: eb.fn.coalesce('first_name', eb.val(param<string | null>('first_name'))),
        zip: eb.fn.coalesce('zip', eb.val(param<string | null>('zip'))),
        email: eb.fn.coalesce('email', eb.val(param<string | null>('email'))),
        updated_at: param<string>('at'),
      }))
      .where('id', '=', param<string>('id')),
  ),
  insertMember: query<unknown, { campaign: string; contact: string; at: string }>((k) =>
    k.insertInto('campaign_members').values({
      campaign_id: param<string>('campaign'), contact_id: param<string>('contact'), keyword: 'IMPORT', joined_at: param<string>('at'), completed_at: null,
    }),
  ),
  insertConsent: query<unknown, ImportWrites['consents'][number] & { sender: string; campaign: string; at: string }>((k) =>
    k.insertInto('consent_events').values({
      id: param<string>('id'), contact_id: param<string>('contact_id'), phone: param<string>('phone'), sender: param<string>('sender'),
      campaign_id: param<string>('campaign'), kind: 'opt_in', via: 'import', keyword: null, message_sid: null, at: param<string>('at'),
    }),
  ),
};

export class SqliteImportsRepository implements ImportsRepository {
  constructor(private readonly db: SqliteDb) {}

  async findCampaigns(given: string): Promise<CampaignRef[]> {
    return campaignRefs(this.db, given);
  }

  async lookup(phones: readonly string[], campaignId: string | null): Promise<(ExistingContact | null)[]> {
    return this.read(phones, campaignId);
  }

  async apply(phones: readonly string[], target: ImportTarget, plan: ImportPlan): Promise<ImportWrites> {
    return this.db.tx(() => {
      const writes = plan(this.read(phones, target.campaign?.id ?? null));
      this.write(writes, target);
      return writes;
    });
  }

  async list(limit: number): Promise<ContactImport[]> {
    const k = this.db.db;
    return this.db.all(k.selectFrom('contact_imports').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit));
  }

  /**
   * A query's statement, looked up once for a loop of thousands of rows (the per-call path of
   * SqliteDb.get/exec would settle the group commit and find the statement again for each row).
   */
  private statement<R, P extends object>(q: Query<R, P>) {
    const c = q.compileFor(this.db.db);
    const stmt = this.db.prepare(c.sql);
    return {
      get: (params: P) => stmt.get(...bind(c, params)) as R | undefined,
      run: (params: P) => void stmt.run(...bind(c, params)),
    };
  }

  private read(phones: readonly string[], campaignId: string | null): (ExistingContact | null)[] {
    const find = this.statement(SQL.find);
    const isMember = this.statement(SQL.isMember);
    return phones.map((phone) => {
      const found = find.get({ phone });
      if (!found) return null;
      const member = campaignId !== null && isMember.get({ campaign: campaignId, contact: found.id }) !== undefined;
      return { id: found.id, status: found.status, first_name: found.first_name, zip: found.zip, email: found.email, member };
    });
  }

  private write(w: ImportWrites, { campaign, at }: ImportTarget): void {
    const insertContact = this.statement(SQL.insertContact);
    for (const c of w.created) insertContact.run({ ...c, at });
    const updateContact = this.statement(SQL.updateContact);
    for (const u of w.updated) updateContact.run({ ...u, at });
    if (campaign) {
      const insertMember = this.statement(SQL.insertMember);
      for (const contact of w.joined) insertMember.run({ campaign: campaign.id, contact, at });
      const insertConsent = this.statement(SQL.insertConsent);
      for (const c of w.consents) insertConsent.run({ ...c, sender: campaign.sender, campaign: campaign.id, at });
    }
    this.db.run(this.db.db.insertInto('contact_imports').values(w.record));
  }
}
