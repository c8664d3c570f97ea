/**
 * The imports repository on SQLite. A real import is ONE synchronous transaction (read every
 * number, decide, write), so no text or opt-out can slip between the decision and the write, and
 * a failure on row 9,000 leaves rows 1-8,999 unwritten too. The statements run once per row, so
 * they are prepared queries.
 */
import type { CampaignRef } from '../campaign-ref';
import { campaignRefs } from '../sqlite/campaign-refs';
import { param, query } from '../query';
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

  private read(phones: readonly string[], campaignId: string | null): (ExistingContact | null)[] {
    return phones.map((phone) => {
      const found = this.db.get(SQL.find, { phone });
      if (!found) return null;
      const member = campaignId !== null && this.db.get(SQL.isMember, { campaign: campaignId, contact: found.id }) !== undefined;
      return { ...found, member };
    });
  }

  private write(w: ImportWrites, { campaign, at }: ImportTarget): void {
    for (const c of w.created) this.db.exec(SQL.insertContact, { ...c, at });
    for (const u of w.updated) this.db.exec(SQL.updateContact, { ...u, at });
    if (campaign) {
      for (const contact of w.joined) this.db.exec(SQL.insertMember, { campaign: campaign.id, contact, at });
      for (const c of w.consents) this.db.exec(SQL.insertConsent, { ...c, sender: campaign.sender, campaign: campaign.id, at });
    }
    this.db.run(this.db.db.insertInto('contact_imports').values(w.record));
  }
}
