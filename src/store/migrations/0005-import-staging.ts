/**
 * 0005: Contact imports staged and applied in chunks (issue 9, defect 8c).
 * Folded in from the block main appended to schema.sql, word for word: every statement is
 * CREATE … IF NOT EXISTS, so a database created by that schema.sql upgrades in place (this
 * migration finds its tables and is only recorded as applied). The DDL is portable as written:
 * the same script on both engines.
 */
import type { StoreEngine } from '../store';
import type { VersionedMigration } from './migration';

const DDL = `
-- Contact imports, staged (issue 9, defect 8c). A real import is read, decided and staged here in
-- short transactions, then applied in short chunks. contact_import_runs is the import's commit
-- point: a run in state 'staging' has applied nothing (a failure or a restart discards it and its
-- staged rows); once it is 'applying' the import is decided and WILL be applied completely (each
-- chunk claims the next staged rows and advances next_seq in its own transaction; a failure or a
-- restart resumes where it stopped, and the last chunk writes the contact_imports record).
CREATE TABLE IF NOT EXISTS contact_import_runs (
  import_id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('staging', 'applying')),
  staged INTEGER NOT NULL DEFAULT 0,                -- rows staged so far (checked at the commit point)
  next_seq INTEGER NOT NULL DEFAULT 0,              -- first staged row not applied yet
  campaign_id TEXT REFERENCES campaigns (id),
  sender TEXT,                                      -- the campaign's sender, for consent events
  new_status TEXT NOT NULL CHECK (new_status IN ('pending', 'subscribed')),
  source TEXT NOT NULL CHECK (source IN ('api', 'cli')),
  filename TEXT,
  consent TEXT NOT NULL CHECK (consent IN ('attested', 'none')),
  totals TEXT NOT NULL DEFAULT '{}',                -- the report's counts, copied to contact_imports
  at TEXT NOT NULL                                  -- every row written carries this time
);
CREATE TABLE IF NOT EXISTS contact_import_staging (
  import_id TEXT NOT NULL,
  seq INTEGER NOT NULL,                             -- 0, 1, 2 … in apply order
  phone TEXT NOT NULL,                              -- E.164
  first_name TEXT,
  zip TEXT,
  email TEXT,
  new_id TEXT NOT NULL,                             -- the contact's id if the import creates it
  consent_id TEXT NOT NULL,                         -- the consent event's id if the import writes one
  PRIMARY KEY (import_id, seq)
);
`;

export const m0005: VersionedMigration = { name: '0005-import-staging', ddl: (_engine: StoreEngine) => DDL };
