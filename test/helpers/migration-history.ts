/**
 * A database as an older release left it, for the tests of one migration: the history before it
 * applied (with Kysely's bookkeeping, so the start-up applier runs only what follows) and some
 * rows. SQLite: a file the test then opens with openSqliteDb. PostgreSQL: a schema of its own on
 * the test server, through one client whose search_path points at it, dropped afterwards.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { DEFAULT_MIGRATION_LOCK_TABLE, DEFAULT_MIGRATION_TABLE, MIGRATION_LOCK_ID } from 'kysely';
import { MIGRATIONS, statements } from '../../src/store/migrations';
import type { VersionedMigration } from '../../src/store/migrations/migration';
import { tempDbFile } from './app';
import { postgresUrl } from './postgres';

/** The migrations numbered below `number` ("0013"). */
export function historyBefore(number: string): VersionedMigration[] {
  return MIGRATIONS.filter((m) => m.name < number);
}

/** A SQLite file with `history` applied and recorded, then `rows` run; the raw connection is returned open. */
export function sqliteAt(history: readonly VersionedMigration[], rows: readonly string[], at: string): { file: string; raw: BetterSqlite3.Database } {
  const file = tempDbFile();
  const raw = new BetterSqlite3(file);
  raw.exec(
    `CREATE TABLE ${DEFAULT_MIGRATION_TABLE} (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL);` +
      `CREATE TABLE ${DEFAULT_MIGRATION_LOCK_TABLE} (id varchar(255) NOT NULL PRIMARY KEY, is_locked integer DEFAULT 0 NOT NULL);` +
      `INSERT INTO ${DEFAULT_MIGRATION_LOCK_TABLE} VALUES ('${MIGRATION_LOCK_ID}', 0);`,
  );
  for (const m of history) {
    raw.exec(m.ddl('sqlite'));
    raw.prepare(`INSERT INTO ${DEFAULT_MIGRATION_TABLE} VALUES (?, ?)`).run(m.name, at);
  }
  for (const r of rows) raw.exec(r);
  return { file, raw };
}

/** Inside a describeWithPostgres: a schema of its own for the block, and the client working in it. */
export function postgresSchemaForBlock(name: string): { client: () => Client; schema: string } {
  const schema = `rallytext_${name}_${process.pid}`;
  let c: Client | undefined;
  beforeAll(async () => {
    c = new Client({ connectionString: postgresUrl() });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  });
  afterAll(async () => {
    await c?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c?.end();
  });
  return { client: () => c!, schema };
}

/** Runs a script's statements (a migration's DDL for PostgreSQL, or rows) on the client. */
export async function runOn(c: Client, scripts: readonly string[]): Promise<void> {
  for (const script of scripts) for (const s of statements(script)) await c.query(s);
}
