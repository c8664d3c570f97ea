/**
 * The SQLite engine behind the Store interface: one better-sqlite3 connection (SqliteDb), its
 * group commit and pragmas. The repositories (src/store/repositories.ts) run on it synchronously.
 */
import type { Logger } from 'pino';
import { RepositoriesOf, type RepositoryOptions } from '../repositories';
import type { Store } from '../store';
import { startCheckpointer, type Checkpointer } from './checkpointer';
import { openSqliteDb, SqliteRunner, type OpenOptions, type SqliteDb } from './db';

export class SqliteStore extends RepositoriesOf implements Store {
  readonly engine = 'sqlite' as const;
  private checkpointer: Checkpointer | null = null;

  constructor(
    readonly db: SqliteDb,
    options: SqliteStoreOptions,
  ) {
    super(new SqliteRunner(db), options);
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
