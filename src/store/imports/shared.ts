/**
 * The imports repository (both engines). A real import is ONE transaction (read every number,
 * decide, write), so no text or opt-out can slip between the decision and the write, and a
 * failure on row 9,000 leaves rows 1-8,999 unwritten too. On PostgreSQL the contacts read are
 * locked (FOR UPDATE) for the same reason. The statements run once per row, so they are
 * prepared queries (on PostgreSQL one round trip per statement: batching them is a follow-up).
 */
import type { CampaignRef } from '../campaign-ref';
import { campaignRefs } from '../campaign-refs-work';
import { engineOf } from '../dialect';
import { param, query } from '../query';
import { all, exec, get, run, type Runner, type Work } from '../work';
import type { ExistingContact, ImportPlan, ImportTarget, ImportWrites, ImportsRepository } from './repository';
import type { ContactImport } from './tables';

type Existing = Omit<ExistingContact, 'member'>;
type Status = ExistingContact['status'];

const SQL = {
  find: query<Existing, { phone: string }>((k) => {
    const q = k.selectFrom('contacts').select(['id', 'status', 'first_name', 'zip', 'email']).where('phone', '=', param<string>('phone'));
    return engineOf(k) === 'postgres' ? q.forUpdate() : q;
  }),
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

export class ImportsStore implements ImportsRepository {
  constructor(private readonly db: Runner) {}

  findCampaigns(given: string): Promise<CampaignRef[]> {
    return this.db.read(campaignRefs(this.db.k, given));
  }

  lookup(phones: readonly string[], campaignId: string | null): Promise<(ExistingContact | null)[]> {
    return this.db.read(read(phones, campaignId));
  }

  apply(phones: readonly string[], target: ImportTarget, plan: ImportPlan): Promise<ImportWrites> {
    const k = this.db.k;
    return this.db.tx(
      (function* (): Work<ImportWrites> {
        const writes = plan(yield* read(phones, target.campaign?.id ?? null));
        yield* write(k, writes, target);
        return writes;
      })(),
    );
  }

  list(limit: number): Promise<ContactImport[]> {
    return this.db.read(all(this.db.k.selectFrom('contact_imports').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit)));
  }
}

function* read(phones: readonly string[], campaignId: string | null): Work<(ExistingContact | null)[]> {
  const out: (ExistingContact | null)[] = [];
  for (const phone of phones) {
    const found = yield* get(SQL.find, { phone });
    if (!found) {
      out.push(null);
      continue;
    }
    const member = campaignId !== null && (yield* get(SQL.isMember, { campaign: campaignId, contact: found.id })) !== undefined;
    out.push({ id: found.id, status: found.status, first_name: found.first_name, zip: found.zip, email: found.email, member });
  }
  return out;
}

function* write(k: Runner['k'], w: ImportWrites, { campaign, at }: ImportTarget): Work<void> {
  for (const c of w.created) yield* exec(SQL.insertContact, { ...c, at });
  for (const u of w.updated) yield* exec(SQL.updateContact, { ...u, at });
  if (campaign) {
    for (const contact of w.joined) yield* exec(SQL.insertMember, { campaign: campaign.id, contact, at });
    for (const c of w.consents) yield* exec(SQL.insertConsent, { ...c, sender: campaign.sender, campaign: campaign.id, at });
  }
  yield* run(k.insertInto('contact_imports').values(w.record));
}
