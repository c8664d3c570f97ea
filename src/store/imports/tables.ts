/** The record of applied contact imports (schema.sql `contact_imports`): one row per real (not dry) run. */
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
