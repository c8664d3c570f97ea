/**
 * Applying an import's contacts to the database. The same code decides every row for a dry run
 * (reads only) and for the real run (reads and writes inside ONE transaction, so a failure on
 * row 9,000 leaves rows 1-8,999 unwritten too). Rules:
 * - a new number becomes a contact: 'subscribed' when the organizer attested consent, else
 *   'pending' (kept for exports and phone banks, never sent a broadcast);
 * - an opted-out number is never touched: not re-subscribed, not updated, not added to a campaign;
 * - an existing contact keeps what they told us by text: the import only fills blank fields;
 * - attested consent subscribes a 'pending' contact; every subscription writes a consent event
 *   (kind opt_in, via import) naming the campaign and its sender.
 */
import type { IdGenerator } from '../core/clock';
import type { Store } from '../store/open';
import type { CampaignRef } from '../store/campaign-lookup';
import type { Candidate } from './normalise';

export type RowOutcome = 'created' | 'subscribed' | 'updated' | 'unchanged' | 'opted_out';

export interface ApplyOptions {
  consentAttested: boolean;
  campaign: CampaignRef | null;
  at: string;
  newId: IdGenerator;
}

interface Existing {
  id: string;
  status: 'pending' | 'subscribed' | 'opted_out';
  first_name: string | null;
  zip: string | null;
  email: string | null;
}

const SQL = {
  find: 'SELECT id, status, first_name, zip, email FROM contacts WHERE phone = ?',
  isMember: 'SELECT 1 AS ok FROM campaign_members WHERE campaign_id = ? AND contact_id = ?',
  insertContact:
    "INSERT INTO contacts (id, phone, first_name, zip, email, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  updateContact:
    'UPDATE contacts SET status = ?, first_name = coalesce(first_name, ?), zip = coalesce(zip, ?), email = coalesce(email, ?), updated_at = ? WHERE id = ?',
  insertMember: "INSERT INTO campaign_members (campaign_id, contact_id, keyword, joined_at, completed_at) VALUES (?, ?, 'IMPORT', ?, NULL)",
  insertConsent:
    "INSERT INTO consent_events (id, contact_id, phone, sender, campaign_id, kind, via, keyword, message_sid, at) VALUES (?, ?, ?, ?, ?, 'opt_in', 'import', NULL, NULL, ?)",
} as const;

/** Decide one contact and, unless `dryRun`, write it. Call inside store.tx for a real run. */
export function applyContact(store: Store, c: Candidate, o: ApplyOptions, dryRun: boolean): RowOutcome {
  const existing = store.prepare(SQL.find).get(c.phone) as Existing | undefined;
  const campaign = o.campaign;

  if (!existing) {
    if (dryRun) return 'created';
    const id = o.newId();
    store.prepare(SQL.insertContact).run(id, c.phone, c.firstName, c.zip, c.email, o.consentAttested ? 'subscribed' : 'pending', o.at, o.at);
    if (campaign) store.prepare(SQL.insertMember).run(campaign.id, id, o.at);
    if (o.consentAttested && campaign) store.prepare(SQL.insertConsent).run(o.newId(), id, c.phone, campaign.sender, campaign.id, o.at);
    return 'created';
  }
  if (existing.status === 'opted_out') return 'opted_out';

  const fills =
    (existing.first_name === null && c.firstName !== null) ||
    (existing.zip === null && c.zip !== null) ||
    (existing.email === null && c.email !== null);
  const subscribes = o.consentAttested && existing.status === 'pending';
  const joins = campaign !== null && store.prepare(SQL.isMember).get(campaign.id, existing.id) === undefined;
  const outcome: RowOutcome = subscribes ? 'subscribed' : fills || joins ? 'updated' : 'unchanged';
  if (dryRun || outcome === 'unchanged') return outcome;

  if (fills || subscribes) {
    store.prepare(SQL.updateContact).run(subscribes ? 'subscribed' : existing.status, c.firstName, c.zip, c.email, o.at, existing.id);
  }
  if (joins) store.prepare(SQL.insertMember).run(campaign.id, existing.id, o.at);
  if (subscribes && campaign) store.prepare(SQL.insertConsent).run(o.newId(), existing.id, c.phone, campaign.sender, campaign.id, o.at);
  return outcome;
}
