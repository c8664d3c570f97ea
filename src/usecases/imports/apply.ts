/**
 * Applying an import's contacts to the database, in two steps that a dry run and a real run
 * share: `decide` reads the current state of every number (never writes), `write` applies the
 * decisions. A real run does both inside ONE transaction, so a failure on row 9,000 leaves
 * rows 1-8,999 unwritten too. Rules:
 * - a new number becomes a contact: 'subscribed' when the organizer attested consent, else
 *   'pending' (kept for exports and phone banks, never sent a broadcast);
 * - an opted-out number is never touched: not re-subscribed, not updated, not added to a campaign;
 * - an existing contact keeps what they told us by text: the import only fills blank fields;
 * - attested consent subscribes a 'pending' contact; every subscription writes a consent event
 *   (kind opt_in, via import) naming the campaign and its sender.
 */
import type { IdGenerator } from '../../core/clock';
import type { CampaignRef } from '../../store/campaign-lookup';
import type { SqliteDb } from '../../store/sqlite/db';
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

export interface Decision {
  line: number;
  contact: Candidate;
  outcome: RowOutcome;
  existingId: string | null;
  existingStatus: Existing['status'] | null;
  fills: boolean;
  joins: boolean;
}

const SQL = {
  find: 'SELECT id, status, first_name, zip, email FROM contacts WHERE phone = ?',
  isMember: 'SELECT 1 AS ok FROM campaign_members WHERE campaign_id = ? AND contact_id = ?',
  insertContact:
    'INSERT INTO contacts (id, phone, first_name, zip, email, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  updateContact:
    'UPDATE contacts SET status = ?, first_name = coalesce(first_name, ?), zip = coalesce(zip, ?), email = coalesce(email, ?), updated_at = ? WHERE id = ?',
  insertMember: "INSERT INTO campaign_members (campaign_id, contact_id, keyword, joined_at, completed_at) VALUES (?, ?, 'IMPORT', ?, NULL)",
  insertConsent:
    "INSERT INTO consent_events (id, contact_id, phone, sender, campaign_id, kind, via, keyword, message_sid, at) VALUES (?, ?, ?, ?, ?, 'opt_in', 'import', NULL, NULL, ?)",
} as const;

/** What the import would do with one (already normalised, deduplicated) contact. Reads only. */
export function decide(store: SqliteDb, line: number, c: Candidate, o: ApplyOptions): Decision {
  const existing = store.prepare(SQL.find).get(c.phone) as Existing | undefined;
  const base = { line, contact: c, fills: false, joins: false };
  if (!existing) return { ...base, outcome: 'created', existingId: null, existingStatus: null, joins: o.campaign !== null };
  if (existing.status === 'opted_out') return { ...base, outcome: 'opted_out', existingId: existing.id, existingStatus: existing.status };
  const fills =
    (existing.first_name === null && c.firstName !== null) ||
    (existing.zip === null && c.zip !== null) ||
    (existing.email === null && c.email !== null);
  const subscribes = o.consentAttested && existing.status === 'pending';
  const joins = o.campaign !== null && store.prepare(SQL.isMember).get(o.campaign.id, existing.id) === undefined;
  const outcome: RowOutcome = subscribes ? 'subscribed' : fills || joins ? 'updated' : 'unchanged';
  return { ...base, outcome, existingId: existing.id, existingStatus: existing.status, fills, joins };
}

/**
 * Write the decisions. New contacts get their ids first and are written in id order: the
 * primary-key and membership indexes then grow page by page instead of at random places,
 * which keeps the one import transaction (and the time it holds the database) short.
 */
export function write(store: SqliteDb, decisions: Decision[], o: ApplyOptions): void {
  const campaign = o.campaign;
  const insertContact = store.prepare(SQL.insertContact);
  const updateContact = store.prepare(SQL.updateContact);
  const insertMember = store.prepare(SQL.insertMember);
  const insertConsent = store.prepare(SQL.insertConsent);

  const created = decisions.filter((d) => d.outcome === 'created').map((d) => ({ id: o.newId(), c: d.contact }));
  created.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const status = o.consentAttested ? 'subscribed' : 'pending';
  for (const { id, c } of created) insertContact.run(id, c.phone, c.firstName, c.zip, c.email, status, o.at, o.at);
  if (campaign) {
    for (const { id } of created) insertMember.run(campaign.id, id, o.at);
    if (o.consentAttested) for (const { id, c } of created) insertConsent.run(o.newId(), id, c.phone, campaign.sender, campaign.id, o.at);
  }

  const changed = decisions.filter((d) => d.outcome === 'subscribed' || d.outcome === 'updated');
  changed.sort((a, b) => (a.existingId! < b.existingId! ? -1 : 1));
  for (const d of changed) {
    const id = d.existingId!;
    const c = d.contact;
    const subscribes = d.outcome === 'subscribed';
    if (d.fills || subscribes) updateContact.run(subscribes ? 'subscribed' : d.existingStatus, c.firstName, c.zip, c.email, o.at, id);
    if (campaign && d.joins) insertMember.run(campaign.id, id, o.at);
    if (campaign && subscribes) insertConsent.run(o.newId(), id, c.phone, campaign.sender, campaign.id, o.at);
  }
}
