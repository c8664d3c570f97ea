/**
 * The migration history and how it is applied. Kysely's Migrator applies it (`rallytext db
 * migrate`, and every PostgreSQL start-up: it takes an advisory lock, so gateways starting at once
 * apply each migration once). SQLite opens synchronously (the gateway, tools and tests build their
 * context without awaiting), so its start-up applies the same history through `migrateSqliteSync`,
 * which keeps Kysely's own bookkeeping (tables kysely_migration and kysely_migration_lock, same
 * rows): either way of applying sees what the other applied.
 *
 * To add a migration: a new numbered module next to 0001-initial.ts, appended to MIGRATIONS.
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  DEFAULT_MIGRATION_LOCK_TABLE, DEFAULT_MIGRATION_TABLE, MIGRATION_LOCK_ID, Migrator, sql,
  type Kysely, type Migration, type MigrationResultSet,
} from 'kysely';
import type { StoreEngine } from '../store';
import { m0001 } from './0001-initial';
import { m0002 } from './0002-people-audit';
import { m0003 } from './0003-inbox';
import { m0004 } from './0004-broadcast-asks';
import { m0005 } from './0005-import-staging';
import { m0007 } from './0007-sequences-donations';
import { m0008 } from './0008-polls-ideas';
import { m0009 } from './0009-languages';
import { m0010 } from './0010-flood-buckets';
import { m0011 } from './0011-referrals';
import { m0012 } from './0012-donation-gaps';
import { m0013 } from './0013-email-index-partial';
import { m0014 } from './0014-referrals-by-contact';
import type { VersionedMigration } from './migration';

export const MIGRATIONS: readonly VersionedMigration[] = [m0001, m0002, m0003, m0004, m0005, m0007, m0008, m0009, m0010, m0011, m0012, m0013, m0014];

/** The history as Kysely's Migrator takes it, each migration's DDL for `engine`. */
export function kyselyMigrations(engine: StoreEngine): Record<string, Migration> {
  return Object.fromEntries(
    MIGRATIONS.map((m) => [
      m.name,
      {
        up: async (db: Kysely<any>) => {
          // One statement per call: better-sqlite3 prepares one statement at a time.
          for (const statement of statements(m.ddl(engine))) await sql.raw(statement).execute(db);
        },
      },
    ]),
  );
}

/** A DDL script's statements: `--` comments dropped, split at `;` outside quotes. */
export function statements(script: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (!quoted && ch === '-' && script[i + 1] === '-') {
      while (i < script.length && script[i] !== '\n') i++;
      cur += '\n';
      continue;
    }
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === ';') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/**
 * On PostgreSQL the bookkeeping tables live in the connection's current schema, named explicitly:
 * left unnamed, Kysely looks for them in every schema of the database and, finding another
 * schema's (a second campaign's, a test's), would not create its own.
 */
export async function migrator(db: Kysely<any>, engine: StoreEngine): Promise<Migrator> {
  const provider = { getMigrations: async () => kyselyMigrations(engine) };
  if (engine === 'sqlite') return new Migrator({ db, provider });
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
  return new Migrator({ db, provider, migrationTableSchema: rows[0]!.schema });
}

/**
 * Applies every pending migration; throws the first failure (its migration rolled back).
 * Kysely's Migrator checks for its bookkeeping tables by introspecting the tables of every
 * schema; a schema dropped by someone else during that read (another campaign's, a parallel
 * test's) fails the read with "schema … does not exist" (3F000) although nothing of ours is
 * wrong. That read changes nothing, so it is simply made again (a bounded number of times).
 */
export async function migrateToLatest(db: Kysely<any>, engine: StoreEngine): Promise<MigrationResultSet> {
  for (let attempt = 1; ; attempt++) {
    let err: unknown;
    try {
      const result = await (await migrator(db, engine)).migrateToLatest();
      if (!result.error) return result;
      err = result.error;
    } catch (e) {
      err = e;
    }
    const failure = err instanceof Error ? err : new Error(String(err));
    if (engine !== 'postgres' || attempt >= 5 || (failure as { code?: string }).code !== '3F000') throw failure;
    await new Promise((r) => setTimeout(r, 50 * attempt));
  }
}

/**
 * The same history applied synchronously on a better-sqlite3 connection: pending migrations in
 * order, each in its own transaction with its bookkeeping row. Returns the names applied.
 */
export function migrateSqliteSync(db: BetterSqlite3.Database): string[] {
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${DEFAULT_MIGRATION_TABLE} (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL);` +
      `CREATE TABLE IF NOT EXISTS ${DEFAULT_MIGRATION_LOCK_TABLE} (id varchar(255) NOT NULL PRIMARY KEY, is_locked integer DEFAULT 0 NOT NULL);`,
  );
  db.prepare(`INSERT INTO ${DEFAULT_MIGRATION_LOCK_TABLE} (id, is_locked) VALUES (?, 0) ON CONFLICT (id) DO NOTHING`).run(MIGRATION_LOCK_ID);
  const done = new Set((db.prepare(`SELECT name FROM ${DEFAULT_MIGRATION_TABLE}`).all() as { name: string }[]).map((r) => r.name));
  const unknown = [...done].filter((n) => !MIGRATIONS.some((m) => m.name === n));
  if (unknown.length > 0) throw new Error(`the database has migrations this release does not know (${unknown.join(', ')}): it was upgraded by a newer rallytext`);
  const record = db.prepare(`INSERT INTO ${DEFAULT_MIGRATION_TABLE} (name, timestamp) VALUES (?, ?)`);
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.name)) continue;
    db.transaction(() => {
      db.exec(m.ddl('sqlite'));
      record.run(m.name, new Date().toISOString());
    }).immediate();
    applied.push(m.name);
  }
  return applied;
}
