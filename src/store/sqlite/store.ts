/**
 * The SQLite engine behind the Store interface: one better-sqlite3 connection (SqliteDb), its
 * group commit and pragmas. The repositories (src/store/repositories.ts) run on it synchronously.
 */
import type { Logger } from 'pino';
import { repositories, type RepositoryOptions } from '../repositories';
import type { Store } from '../store';
import { startCheckpointer, type Checkpointer } from './checkpointer';
import { openSqliteDb, SqliteRunner, type OpenOptions, type SqliteDb } from './db';

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  private checkpointer: Checkpointer | null = null;
  readonly broadcasts;
  readonly outbox;
  readonly inbound;
  readonly receipts;
  readonly rehearsal;
  readonly exports;
  readonly imports;
  readonly campaigns;
  readonly contacts;
  readonly sessions;
  readonly live;
  readonly people;
  readonly audit;
  readonly inbox;

  constructor(
    readonly db: SqliteDb,
    options: SqliteStoreOptions,
  ) {
    const r = repositories(new SqliteRunner(db), options);
    this.broadcasts = r.broadcasts;
    this.outbox = r.outbox;
    this.inbound = r.inbound;
    this.receipts = r.receipts;
    this.rehearsal = r.rehearsal;
    this.exports = r.exports;
    this.imports = r.imports;
    this.campaigns = r.campaigns;
    this.contacts = r.contacts;
    this.sessions = r.sessions;
    this.live = r.live;
    this.people = r.people;
    this.audit = r.audit;
    this.inbox = r.inbox;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1 AS ok').get();
  }

  startUpkeep(logger: Logger): void {
    if (!this.checkpointer) this.checkpointer = startCheckpointer(this.db, logger);
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.checkpointer = null;
    this.db.close();
  }
}

export type SqliteStoreOptions = RepositoryOptions;

export function openSqliteStore(url: string, options: OpenOptions & SqliteStoreOptions): SqliteStore {
  return new SqliteStore(openSqliteDb(url, options), options);
}

/** The SQLite connection behind a store: for tests, benchmarks and engine tools, never for use cases. */
export function sqliteOf(store: Store): SqliteDb {
  if (!(store instanceof SqliteStore)) throw new Error(`the ${store.engine} engine has no SQLite connection`);
  return store.db;
}
