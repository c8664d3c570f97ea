/**
 * `rallytext db migrate`: bring the database DATABASE_URL names up to the latest migration with
 * Kysely's Migrator, whichever the engine. Reports what it applied (nothing, when up to date).
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from '../store/migrations';
import { PgDb } from '../store/postgres/db';
import { sqlitePath } from '../store/sqlite/db';

export interface MigrateReport {
  applied: string[];
}

export async function migrateDatabase(url: string): Promise<MigrateReport> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pg = new PgDb(url, { max: 1 });
    try {
      return { applied: namesOf(await migrateToLatest(pg.db, 'postgres')) };
    } finally {
      await pg.close();
    }
  }
  const sqlite = new BetterSqlite3(sqlitePath(url), { fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    return { applied: namesOf(await migrateToLatest(db, 'sqlite')) };
  } finally {
    await db.destroy();
  }
}

function namesOf(r: { results?: readonly { migrationName: string; status: string }[] }): string[] {
  return (r.results ?? []).filter((m) => m.status === 'Success').map((m) => m.migrationName);
}
