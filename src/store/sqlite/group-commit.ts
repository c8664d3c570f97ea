/**
 * Group commit for the webhook hot path.
 *
 * Each webhook's writes still run synchronously, all at once, in their own SAVEPOINT (so one
 * failing webhook rolls back only itself). What is shared is the COMMIT: webhooks handled in the
 * same event-loop turn join one BEGIN IMMEDIATE ... COMMIT, committed from setImmediate (or as
 * soon as `maxBatch` have joined). Each caller's promise resolves only after that COMMIT, so a
 * webhook is answered 200 only once its effects are durable; if the COMMIT fails (disk full,
 * read-only file, I/O error) every webhook of the batch is refused and none of them is written.
 *
 * Why: a commit writes every page the transaction dirtied to the WAL, ~2 system calls per page.
 * One webhook dirties the tail pages of half a dozen tables and indexes; a batch writes those
 * tails once. See docs/performance.md.
 */
import type BetterSqlite3 from 'better-sqlite3';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class BatchAbortedError extends Error {
  readonly code = 'SQLITE_ABORT';
  constructor(cause: unknown) {
    super(`the shared transaction was rolled back: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'BatchAbortedError';
  }
}

export class GroupCommit {
  private waiters: Waiter[] = [];
  private open = false;
  private depth = 0;
  private readonly begin: BetterSqlite3.Statement;
  private readonly commit: BetterSqlite3.Statement;
  private readonly rollback: BetterSqlite3.Statement;
  private readonly savepoint: BetterSqlite3.Statement;
  private readonly release: BetterSqlite3.Statement;
  private readonly rollbackTo: BetterSqlite3.Statement;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly maxBatch = 200,
  ) {
    this.begin = sqlite.prepare('BEGIN IMMEDIATE');
    this.commit = sqlite.prepare('COMMIT');
    this.rollback = sqlite.prepare('ROLLBACK');
    // Prepared once: better-sqlite3's db.transaction(fn) builds a new wrapper on every call.
    this.savepoint = sqlite.prepare('SAVEPOINT webhook');
    this.release = sqlite.prepare('RELEASE webhook');
    this.rollbackTo = sqlite.prepare('ROLLBACK TO webhook');
  }

  /** True while running a batched function: nested store work belongs to that webhook. */
  get running(): boolean {
    return this.depth > 0;
  }

  /** True when a batch has uncommitted work. */
  get pending(): boolean {
    return this.open;
  }

  /**
   * Runs `fn` now, synchronously, inside the shared transaction and its own savepoint.
   * Resolves with its result after the batch commits; rejects if `fn` throws or the commit fails.
   */
  run<T>(fn: () => T): Promise<T> {
    if (this.depth > 0) {
      // Called from inside a batched function: part of that webhook's work.
      try {
        return Promise.resolve(this.inSavepoint(fn));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    if (this.open && !this.sqlite.inTransaction) {
      // SQLite rolled the whole transaction back under us (SQLITE_FULL, IOERR...): the batch is lost.
      this.fail(new BatchAbortedError('transaction rolled back by SQLite'));
    }
    try {
      if (!this.open) {
        this.begin.run();
        this.open = true;
        setImmediate(() => this.flush());
      }
      const value = this.inSavepoint(fn);
      return new Promise<T>((resolve, reject) => {
        this.waiters.push({ resolve: () => resolve(value), reject });
        if (this.waiters.length >= this.maxBatch) this.flush();
      });
    } catch (err) {
      if (this.open && !this.sqlite.inTransaction) this.fail(err);
      return Promise.reject(err);
    }
  }

  /** fn's writes land in full or not at all; the rest of the batch is untouched either way. */
  private inSavepoint<T>(fn: () => T): T {
    this.savepoint.run();
    this.depth++;
    let value: T;
    try {
      value = fn();
    } catch (err) {
      this.depth--;
      if (this.sqlite.inTransaction) {
        try {
          this.rollbackTo.run();
          this.release.run();
        } catch {
          // Cannot even roll back to the savepoint: give up the whole batch (run() rejects it).
          this.safeRollback();
        }
      }
      throw err;
    }
    this.depth--;
    this.release.run();
    return value;
  }

  /** Commits the open batch (if any) and settles its callers. Safe to call at any time. */
  flush(): void {
    if (!this.open || this.depth > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    this.open = false;
    try {
      if (!this.sqlite.inTransaction) throw new BatchAbortedError('transaction rolled back by SQLite');
      this.commit.run();
    } catch (err) {
      if (this.sqlite.inTransaction) this.safeRollback();
      for (const w of waiters) w.reject(err);
      return;
    }
    for (const w of waiters) w.resolve();
  }

  private fail(err: unknown): void {
    const waiters = this.waiters;
    this.waiters = [];
    this.open = false;
    if (this.sqlite.inTransaction) this.safeRollback();
    for (const w of waiters) w.reject(err);
  }

  private safeRollback(): void {
    try {
      this.rollback.run();
    } catch {
      // Already rolled back by SQLite.
    }
  }
}
