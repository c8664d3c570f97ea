/**
 * The SQLite engine behind the Store interface: one better-sqlite3 connection (SqliteDb), its
 * group commit and pragmas. Repositories are built on that connection here.
 */
import { SqliteBroadcasts } from '../broadcasts/sqlite';
import { SqliteOutbox } from '../outbox/sqlite';
import { SqliteExportsRepository } from '../exports/sqlite';
import { SqliteImportsRepository } from '../imports/sqlite';
import type { ReceiptPolicy } from '../receipts/repository';
import type { Store } from '../store';
import { SqliteCampaigns } from '../campaigns/sqlite';
import { SqliteContacts } from '../contacts/sqlite';
import { SqliteLive } from '../live/sqlite';
import { SqliteSessions } from '../sessions/sqlite';
import { SqlitePeople } from '../people/sqlite';
import { SqliteAudit } from '../audit/sqlite';
import { SqliteInbound } from '../inbound/sqlite';
import { SqliteReceipts } from '../receipts/sqlite';
import { SqliteRehearsal } from '../rehearsal/sqlite';
import { SqliteInbox } from '../inbox/sqlite';
import type { Logger } from 'pino';
import { startCheckpointer, type Checkpointer } from './checkpointer';
import { openSqliteDb, type OpenOptions, type SqliteDb } from './db';

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  private checkpointer: Checkpointer | null = null;
  readonly exports: SqliteExportsRepository;
  readonly imports: SqliteImportsRepository;
  readonly broadcasts: SqliteBroadcasts;
  readonly outbox: SqliteOutbox;
  readonly campaigns: SqliteCampaigns;
  readonly contacts: SqliteContacts;
  readonly sessions: SqliteSessions;
  readonly people: SqlitePeople;
  readonly audit: SqliteAudit;
  readonly live: SqliteLive;
  readonly inbound: SqliteInbound;
  readonly receipts: SqliteReceipts;
  readonly rehearsal: SqliteRehearsal;
  readonly inbox: SqliteInbox;

  constructor(
    readonly db: SqliteDb,
    options: SqliteStoreOptions,
  ) {
    this.exports = new SqliteExportsRepository(db);
    this.imports = new SqliteImportsRepository(db);
    this.broadcasts = new SqliteBroadcasts(db);
    this.outbox = new SqliteOutbox(db, options.receiptPolicy);
    this.campaigns = new SqliteCampaigns(db);
    this.contacts = new SqliteContacts(db);
    this.sessions = new SqliteSessions(db);
    this.people = new SqlitePeople(db);
    this.audit = new SqliteAudit(db);
    this.live = new SqliteLive(db);
    this.inbound = new SqliteInbound(db);
    this.receipts = new SqliteReceipts(db);
    this.rehearsal = new SqliteRehearsal(db);
    this.inbox = new SqliteInbox(db);
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

export interface SqliteStoreOptions {
  /** What the SMS provider's status words and error codes mean (wiring passes the Twilio adapter's). */
  receiptPolicy: ReceiptPolicy;
}

export function openSqliteStore(url: string, options: OpenOptions & SqliteStoreOptions): SqliteStore {
  return new SqliteStore(openSqliteDb(url, options), options);
}

/** The SQLite connection behind a store: for tests, benchmarks and engine tools, never for use cases. */
export function sqliteOf(store: Store): SqliteDb {
  if (!(store instanceof SqliteStore)) throw new Error(`the ${store.engine} engine has no SQLite connection`);
  return store.db;
}
