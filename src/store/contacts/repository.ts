/**
 * What use cases may ask of contacts for the console: search, one contact's whole record, and
 * the organizer's manual opt-out. Asynchronous so that every engine can implement it.
 */
import type { ContactStatus } from '../../core/compliance';

export interface ContactSummary {
  id: string;
  phone: string;
  firstName: string | null;
  zip: string | null;
  email: string | null;
  status: ContactStatus;
  undeliverable: boolean;
  isTest: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ContactRecord {
  /** `language`: the supporter's language (issue 16), null when unknown. */
  contact: ContactSummary & { fromState: string | null; optedOutAt: string | null; language: string | null };
  fields: Record<string, unknown>;
  memberships: { campaignId: string; campaignName: string; keyword: string; joinedAt: string; completedAt: string | null }[];
  pledges: { campaignName: string; amountCents: number; frequency: string; at: string }[];
  consent: { kind: string; via: string; keyword: string | null; sender: string | null; campaignName: string | null; messageSid: string | null; at: string }[];
  /** The latest 50 texts either way, oldest first. */
  messages: { direction: 'in' | 'out'; body: string; status: string; at: string }[];
}

/**
 * latest: most recently active first; phone: these digits anywhere in the number; name: first
 * names starting with the text (any case) or emails containing it.
 */
export type ContactSearch = { by: 'latest' } | { by: 'phone'; digits: string } | { by: 'name'; text: string };

export type AdminOptOut = 'opted_out' | 'already_opted_out' | 'not_found';

export interface ContactsRepository {
  search(search: ContactSearch, includeTest: boolean, limit: number): Promise<ContactSummary[]>;
  record(id: string): Promise<ContactRecord | undefined>;
  /**
   * In one transaction: status opted_out, an opt_out consent event (id `eventId`) via 'admin', and
   * any waiting conversation interrupted. Nothing changes for a contact already opted out.
   */
  optOutByAdmin(contactId: string, eventId: string, now: Date): Promise<AdminOptOut>;
}
