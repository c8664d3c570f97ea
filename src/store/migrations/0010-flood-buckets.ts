/**
 * 0010: the per-number flood throttle shared by every gateway process on one database (issue 12).
 * One token bucket per phone (the same arithmetic as core/flood.ts: tokens scaled by 60,000, a
 * refill of `perMinute` per millisecond), taken by one upsert on PostgreSQL
 * (src/store/postgres/flood.ts). On PostgreSQL the table is UNLOGGED: it is throttle state, not
 * evidence, so it skips the WAL (no fsync on the hot path, not sent to replicas) and a crash may
 * empty it, which only forgets who was flooding. SQLite has one gateway process per file and keeps
 * its buckets in memory (core/flood.ts); the table exists there too, empty, so both engines have
 * one schema (and `rallytext db copy` one list of tables, which skips this one).
 */
import type { StoreEngine } from '../store';
import type { VersionedMigration } from './migration';

export const m0010: VersionedMigration = {
  name: '0010-flood-buckets',
  ddl: (engine: StoreEngine) => `
CREATE ${engine === 'postgres' ? 'UNLOGGED ' : ''}TABLE IF NOT EXISTS flood_buckets (
  phone TEXT PRIMARY KEY,              -- E.164
  tokens BIGINT NOT NULL,              -- scaled by 60,000: one text costs 60,000
  at_ms BIGINT NOT NULL,               -- when tokens was computed (ms since the epoch, the gateway's clock)
  refused INTEGER NOT NULL DEFAULT 0,  -- texts refused since the bucket was last full (log the first only)
  allowed ${engine === 'postgres' ? 'BOOLEAN' : 'INTEGER'} NOT NULL DEFAULT ${engine === 'postgres' ? 'TRUE' : '1'}  -- the verdict of the last take
);
`,
};
