/**
 * What an import does with each contact, decided from the current state of its number (pure; the
 * store calls `planWrites` inside the import's one transaction, a dry run only `decide`s). Rules:
 * - a new number becomes a contact: 'subscribed' when the organizer attested consent, else
 *   'pending' (kept for exports and phone banks, never sent a broadcast);
 * - an opted-out number is never touched: not re-subscribed, not updated, not added to a campaign;
 * - an existing contact keeps what they told us by text: the import only fills blank fields;
 * - attested consent subscribes a 'pending' contact; every subscription writes a consent event
 *   (kind opt_in, via import) naming the campaign and its sender.
 */
import type { IdGenerator } from '../../core/clock';
import type { ExistingContact, ImportWrites } from '../../store/imports/repository';
import type { CampaignRef } from '../campaign-ref';
import type { Candidate } from './normalise';

export type RowOutcome = 'created' | 'subscribed' | 'updated' | 'unchanged' | 'opted_out';

export interface ApplyOptions {
  consentAttested: boolean;
  campaign: CampaignRef | null;
  newId: IdGenerator;
}

export interface Decision {
  line: number;
  contact: Candidate;
  outcome: RowOutcome;
  existingId: string | null;
  existingStatus: ExistingContact['status'] | null;
  fills: boolean;
  joins: boolean;
}

/** What the import would do with one (already normalised, deduplicated) contact. */
export function decide(line: number, c: Candidate, existing: ExistingContact | null, o: ApplyOptions): Decision {
  const base = { line, contact: c, fills: false, joins: false };
  if (!existing) return { ...base, outcome: 'created', existingId: null, existingStatus: null, joins: o.campaign !== null };
  if (existing.status === 'opted_out') return { ...base, outcome: 'opted_out', existingId: existing.id, existingStatus: existing.status };
  const fills =
    (existing.first_name === null && c.firstName !== null) ||
    (existing.zip === null && c.zip !== null) ||
    (existing.email === null && c.email !== null);
  const subscribes = o.consentAttested && existing.status === 'pending';
  const joins = o.campaign !== null && !existing.member;
  const outcome: RowOutcome = subscribes ? 'subscribed' : fills || joins ? 'updated' : 'unchanged';
  return { ...base, outcome, existingId: existing.id, existingStatus: existing.status, fills, joins };
}

const byId = <T>(id: (x: T) => string) => (a: T, b: T) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);

/**
 * The rows the decisions write (the import's record aside). New contacts get their ids first and
 * are written in id order, changed ones in id order too: the primary-key and membership indexes
 * then grow page by page instead of at random places, which keeps the one import transaction
 * (and the time it holds the database) short.
 */
export function planWrites(decisions: readonly Decision[], o: ApplyOptions): Omit<ImportWrites, 'record'> {
  const w: Omit<ImportWrites, 'record'> = { created: [], updated: [], joined: [], consents: [] };
  const campaign = o.campaign;
  const status = o.consentAttested ? 'subscribed' : 'pending';

  const created = decisions.filter((d) => d.outcome === 'created').map((d) => ({ id: o.newId(), c: d.contact }));
  created.sort(byId((x) => x.id));
  for (const { id, c } of created) w.created.push({ id, phone: c.phone, first_name: c.firstName, zip: c.zip, email: c.email, status });
  if (campaign) {
    for (const { id } of created) w.joined.push(id);
    if (o.consentAttested) for (const { id, c } of created) w.consents.push({ id: o.newId(), contact_id: id, phone: c.phone });
  }

  const changed = decisions.filter((d) => d.outcome === 'subscribed' || d.outcome === 'updated');
  changed.sort(byId((d) => d.existingId!));
  for (const d of changed) {
    const id = d.existingId!;
    const c = d.contact;
    const subscribes = d.outcome === 'subscribed';
    if (d.fills || subscribes) {
      w.updated.push({ id, status: subscribes ? 'subscribed' : d.existingStatus!, first_name: c.firstName, zip: c.zip, email: c.email });
    }
    if (campaign && d.joins) w.joined.push(id);
    if (campaign && subscribes) w.consents.push({ id: o.newId(), contact_id: id, phone: c.phone });
  }
  return w;
}
