/**
 * What an import does with each contact, decided from the current state of its number (pure): the
 * report's outcome per row, and which rows are staged to be written. The store applies the same
 * rules in SQL when it writes the staged rows (src/store/imports/shared.ts), against the contacts
 * as they are at that moment. Rules:
 * - a new number becomes a contact: 'subscribed' when the organizer attested consent, else
 *   'pending' (kept for exports and phone banks, never sent a broadcast);
 * - an opted-out number is never touched: not re-subscribed, not updated, not added to a campaign;
 * - an existing contact keeps what they told us by text: the import only fills blank fields;
 * - attested consent subscribes a 'pending' contact; every subscription writes a consent event
 *   (kind opt_in, via import) naming the campaign and its sender.
 */
import type { ExistingContact } from '../../store/imports/repository';
import type { CampaignRef } from '../campaign-ref';
import type { Candidate } from './normalise';

export type RowOutcome = 'created' | 'subscribed' | 'updated' | 'unchanged' | 'opted_out';

export interface ApplyOptions {
  consentAttested: boolean;
  campaign: CampaignRef | null;
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

/** Whether a decided row has anything to write (created, subscribed or updated). */
export function writes(d: Decision): boolean {
  return d.outcome === 'created' || d.outcome === 'subscribed' || d.outcome === 'updated';
}
