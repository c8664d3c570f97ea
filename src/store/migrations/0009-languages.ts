/**
 * 0009: Languages (issue 16). A contact's language (null: unknown, the campaign default is used),
 * read with the contact row the inbound hot path already reads, so knowing it costs no query;
 * a campaign's languages (JSON list, default first) and its overrides of the built-in system
 * texts per language (JSON); a keyword's language (null: none named); a broadcast's texts per
 * language (JSON; null: one text for everyone); a canned inbox reply's bodies per language (same). Plain ADD COLUMNs with
 * constant defaults, instant on a big table in both engines; PostgreSQL's say IF NOT EXISTS (its
 * scripts may be applied twice), which SQLite's ALTER TABLE does not know.
 */
import type { StoreEngine } from '../store';
import type { VersionedMigration } from './migration';

function ddl(engine: StoreEngine): string {
  const add = engine === 'postgres' ? 'ADD COLUMN IF NOT EXISTS' : 'ADD COLUMN';
  return `
ALTER TABLE contacts ${add} language TEXT;
ALTER TABLE campaigns ${add} languages TEXT NOT NULL DEFAULT '["en"]';
ALTER TABLE campaigns ${add} texts TEXT NOT NULL DEFAULT '{}';
ALTER TABLE keywords ${add} language TEXT;
ALTER TABLE broadcasts ${add} templates TEXT;
ALTER TABLE canned_responses ${add} bodies TEXT;
`;
}

export const m0009: VersionedMigration = { name: '0009-languages', ddl };
