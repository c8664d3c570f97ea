/**
 * The record of applied contact imports (schema.sql `contact_imports`): one row per real (not dry)
 * run; and the staged import in progress (`contact_import_runs`, `contact_import_staging`).
 */
import type { Insertable, Selectable } from 'kysely';

export interface ContactImportsTable {
  id: string;
  source: 'api' | 'cli';
  filename: string | null;
  campaign_id: string | null;
  consent: 'attested' | 'none';
  totals: string;
  created_at: string;
}

export type ContactImport = Selectable<ContactImportsTable>;
export type NewContactImport = Insertable<ContactImportsTable>;

/** An import being staged or applied; see schema.sql. */
export interface ContactImportRunsTable {
  import_id: string;
  state: 'staging' | 'applying';
  staged: number;
  next_seq: number;
  campaign_id: string | null;
  sender: string | null;
  new_status: 'pending' | 'subscribed';
  source: 'api' | 'cli';
  filename: string | null;
  consent: 'attested' | 'none';
  totals: string;
  at: string;
}

/** One contact of a staged import, with the ids its rows get if they are written. */
export interface ContactImportStagingTable {
  import_id: string;
  seq: number;
  phone: string;
  first_name: string | null;
  zip: string | null;
  email: string | null;
  new_id: string;
  consent_id: string;
}

export type ImportRun = Selectable<ContactImportRunsTable>;
export type StagedContact = Selectable<ContactImportStagingTable>;
