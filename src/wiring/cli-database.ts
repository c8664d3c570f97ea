/**
 * The CLI's database commands (import, export) run on the gateway's own database (a SQLite file,
 * which must already exist: the CLI never creates one; or PostgreSQL). Opened here so src/cli/ never imports a store engine.
 */
import fs from 'node:fs';
import { systemClock, type Clock, type IdGenerator } from '../core/clock';
import { uuid } from '../shared/ids';
import { migrateDatabase } from './migrate';
import { isPostgresUrl } from './create-context';
import { openPgStore } from '../store/postgres/store';
import { sqlitePath } from '../store/sqlite/db';
import { openSqliteStore } from '../store/sqlite/store';
import { twilioReceiptPolicy } from '../twilio/receipt-codes';
import type { Store } from '../store/store';

/** What the import and export commands run on. */
export interface CliDatabase {
  store: Store;
  clock: Clock;
  newId: IdGenerator;
  close(): Promise<void>;
}

/** DATABASE_URL names no existing database (or an in-memory one, which would be empty). */
export class NoDatabaseError extends Error {
  constructor(readonly databaseUrl: string) {
    super(`no database at ${databaseUrl}`);
  }
}

export async function openCliDatabase(databaseUrl: string): Promise<CliDatabase> {
  if (isPostgresUrl(databaseUrl)) {
    const pg = await openPgStore(databaseUrl, { receiptPolicy: twilioReceiptPolicy, max: 4 });
    return { store: pg, clock: systemClock, newId: uuid, close: () => pg.close() };
  }
  const file = sqlitePath(databaseUrl);
  if (file === ':memory:' || !fs.existsSync(file)) throw new NoDatabaseError(databaseUrl);
  const store = openSqliteStore(databaseUrl, { receiptPolicy: twilioReceiptPolicy });
  return { store, clock: systemClock, newId: uuid, close: () => store.close() };
}

/** Applies pending migrations to an existing database; the names applied. */
export async function migrateCliDatabase(databaseUrl: string): Promise<string[]> {
  if (!/^postgres/.test(databaseUrl)) {
    const file = sqlitePath(databaseUrl);
    if (file === ':memory:' || !fs.existsSync(file)) throw new NoDatabaseError(databaseUrl);
  }
  return (await migrateDatabase(databaseUrl)).applied;
}
