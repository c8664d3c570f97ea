/**
 * What the contact-import use case asks of the store: the current state of the numbers in a file,
 * and one transaction that re-reads that state, lets the use case decide, and writes the result
 * with the import's record (all rows or none).
 */
import type { CampaignRef } from '../campaign-ref';
import type { CampaignMembersTable, Contact, ConsentEventsTable, NewContact } from '../database';
import type { ContactImport, NewContactImport } from './tables';

/** A number already in the database, and whether it is already in the import's campaign. */
export type ExistingContact = Pick<Contact, 'id' | 'status' | 'first_name' | 'zip' | 'email'> & { member: boolean };

/** Everything one import writes. Each list is written in the order given. */
export interface ImportWrites {
  /** New contacts, inserted. */
  created: Pick<NewContact, 'id' | 'phone' | 'first_name' | 'zip' | 'email' | 'status'>[];
  /** Existing contacts: status set, blank fields filled (a field that has a value keeps it). */
  updated: Pick<Contact, 'id' | 'status' | 'first_name' | 'zip' | 'email'>[];
  /** Contacts joining the campaign (keyword IMPORT). */
  joined: CampaignMembersTable['contact_id'][];
  /** Consent evidence: opt_in via import, naming the campaign and its sender. */
  consents: Pick<ConsentEventsTable, 'id' | 'contact_id' | 'phone'>[];
  record: NewContactImport;
}

export interface ImportTarget {
  /** The campaign the contacts join (null: none). */
  campaign: Pick<CampaignRef, 'id' | 'sender'> | null;
  /** When: every row written carries this time. */
  at: string;
}

/** Decides the writes from the current state of each number (null: unknown number). Pure; called inside the transaction. */
export type ImportPlan = (existing: readonly (ExistingContact | null)[]) => ImportWrites;

export interface ImportsRepository {
  /** Campaigns whose id is `given`, else whose name is `given` ignoring case. */
  findCampaigns(given: string): Promise<CampaignRef[]>;
  /** The current state of each number, in order (reads only; for a dry run). */
  lookup(phones: readonly string[], campaignId: string | null): Promise<(ExistingContact | null)[]>;
  /** One transaction: reads the state of each number, asks `plan` what to write, writes it all. */
  apply(phones: readonly string[], target: ImportTarget, plan: ImportPlan): Promise<ImportWrites>;
  /** The imports applied so far, newest first. */
  list(limit: number): Promise<ContactImport[]>;
}
