/**
 * The SQLite engine behind the Store interface: one better-sqlite3 connection (SqliteDb), its
 * group commit and pragmas. Repositories are built on that connection here.
 */
import { SqliteBroadcasts } from '../broadcasts/sqlite';
import { SqliteOutbox } from '../outbox/sqlite';
import type { Store } from '../store';
import { openSqliteDb, type OpenOptions, type SqliteDb } from './db';

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;

  readonly broadcasts: SqliteBroadcasts;
  readonly outbox: SqliteOutbox;

  constructor(readonly db: SqliteDb) {
    this.broadcasts = new SqliteBroadcasts(db);
    this.outbox = new SqliteOutbox(db);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1 AS ok').get();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

export function openSqliteStore(url: string, options: OpenOptions = {}): SqliteStore {
  return new SqliteStore(openSqliteDb(url, options));
}
