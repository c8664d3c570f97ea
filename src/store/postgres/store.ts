/**
 * The PostgreSQL engine behind the Store interface: a `pg` pool (PgDb) with the same repositories
 * as SQLite (src/store/repositories.ts), run asynchronously. Opening applies pending migrations
 * (Kysely's Migrator, under its advisory lock: gateways starting together apply each once).
 */
import type { Logger } from 'pino';
import type { CrossProcess } from '../cross-process';
import { migrateToLatest } from '../migrations';
import { RepositoriesOf, type RepositoryOptions } from '../repositories';
import type { Store } from '../store';
import { PgDb, type PgOptions } from './db';
import { PgFloodBuckets, sweepFloodBuckets } from './flood';
import { PgSignals } from './signals';

export class PgStore extends RepositoriesOf implements Store {
  readonly engine = 'postgres' as const;

  /** Several gateway processes share this database: signals between them and the flood buckets. */
  readonly crossProcess: CrossProcess & { signals: PgSignals };
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    readonly db: PgDb,
    options: RepositoryOptions,
  ) {
    super(db, options);
    const signals = new PgSignals(db.pool, db.clientConfig);
    this.crossProcess = { signals, flood: (perMinute) => new PgFloodBuckets(db.pool, perMinute) };
  }

  async ping(): Promise<void> {
    await this.db.pool.query('SELECT 1 AS ok');
  }

  /**
   * The server does its own upkeep (autovacuum, checkpoints). A long-running process listens for
   * the other processes' signals and, once a minute, drops the flood buckets that have refilled.
   */
  startUpkeep(logger: Logger): void {
    void this.crossProcess.signals.start(logger);
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      sweepFloodBuckets(this.db.pool, Date.now()).catch((err: unknown) =>
        logger.warn({ err: (err as Error).message }, 'could not drop the idle flood buckets'),
      );
    }, 60_000);
    this.sweeper.unref();
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await this.crossProcess.signals.stop();
    await this.db.close();
  }
}

/**
 * Connects, applies pending migrations, and records the start (a committed write, like SQLite's
 * start-up probe). Rejects (pool closed) when the server cannot be reached or written.
 */
export async function openPgStore(url: string, options: RepositoryOptions & PgOptions): Promise<PgStore> {
  const db = new PgDb(url, options);
  try {
    // Kysely's Migrator looks at every schema of the database: one dropped meanwhile by someone else
    // (3F000, seen when test runs share a server) fails the look, not the migration. Look again.
    for (let attempt = 1; ; attempt++) {
      try {
        await migrateToLatest(db.db, 'postgres');
        break;
      } catch (err) {
        if (attempt >= 3 || (err as { code?: unknown }).code !== '3F000') throw err;
      }
    }
    await db.pool.query(
      "INSERT INTO settings (key, value) VALUES ('last_started_at', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [new Date().toISOString()],
    );
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return new PgStore(db, options);
}

/** The pool behind a PostgreSQL store: for tests and engine tools, never for use cases. */
export function pgOf(store: Store): PgDb {
  if (!(store instanceof PgStore)) throw new Error(`the ${store.engine} engine has no PostgreSQL pool`);
  return store.db;
}
