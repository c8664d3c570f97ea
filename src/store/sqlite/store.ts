/**
 * The SQLite engine behind the Store interface: one better-sqlite3 connection (SqliteDb), its
 * group commit and pragmas. Repositories are built on that connection here.
 */
import { SqliteBroadcasts } from '../broadcasts/sqlite';
import { SqliteOutbox } from '../outbox/sqlite';
import { SqliteExportsRepository } from '../exports/sqlite';
import { SqliteImportsRepository } from '../imports/sqlite';
import type { Store } from '../store';
import { SqliteCampaigns } from '../campaigns/sqlite';
import { SqliteContacts } from '../contacts/sqlite';
import { SqliteLive } from '../live/sqlite';
import { SqliteSessions } from '../sessions/sqlite';
import { SqliteInbound } from '../inbound/sqlite';
import { SqliteReceipts } from '../receipts/sqlite';
import { SqliteRehearsal } from '../rehearsal/sqlite';
import { openSqliteDb, type OpenOptions, type SqliteDb } from './db';

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly exports: SqliteExportsRepository;
  readonly imports: SqliteImportsRepository;
  readonly broadcasts: SqliteBroadcasts;
  readonly outbox: SqliteOutbox;
  readonly campaigns: SqliteCampaigns;
  readonly contacts: SqliteContacts;
  readonly sessions: SqliteSessions;
  readonly live: SqliteLive;
  readonly inbound: SqliteInbound;
  readonly receipts: SqliteReceipts;
  readonly rehearsal: SqliteRehearsal;

  constructor(readonly db: SqliteDb) {
    this.exports = new SqliteExportsRepository(db);
    this.imports = new SqliteImportsRepository(db);
    this.broadcasts = new SqliteBroadcasts(db);
    this.outbox = new SqliteOutbox(db);
    this.campaigns = new SqliteCampaigns(db);
    this.contacts = new SqliteContacts(db);
    this.sessions = new SqliteSessions(db);
    this.live = new SqliteLive(db);
    this.inbound = new SqliteInbound(db);
    this.receipts = new SqliteReceipts(db);
    this.rehearsal = new SqliteRehearsal(db);
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
