/**
 * Opens the embedded SQLite database and brings its schema up to date (src/store/migrations/).
 *
 * One better-sqlite3 connection serves everything. Kysely builds typed SQL; statements run
 * synchronously through `SqliteDb`, so a multi-statement write is one short synchronous
 * transaction that no other request can interleave with (see docs/storage.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type Compilable } from 'kysely';
import type { DB } from '../database';
import type { CompiledStatement, Query } from '../query';
import { FIRST_KEY, type Keyset, type Runner, type Step, type Work } from '../work';
import { migrateSqliteSync } from '../migrations';
import { GroupCommit } from './group-commit';

interface Ready {
  readonly statement: BetterSqlite3.Statement;
  readonly compiled: CompiledStatement;
}
/** The page cache of the export scan connection (KiB). */
export const SCAN_CACHE_KIB = 4096;

/** The main connection's page cache (KiB) unless the opener asks for another size. */
export const DEFAULT_CACHE_KIB = 65536;

export interface OpenOptions {
  /** Open without writing (for tools); migrations are not applied. */
  readonly?: boolean;
  /** The page cache of the main connection, KiB (default DEFAULT_CACHE_KIB, 64 MB). */
  cacheKib?: number;
}

export class SqliteDb {
  readonly db: Kysely<DB>;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private readonly readied = new WeakMap<object, Ready>();
  private readonly group: GroupCommit;
  private scanConnection: BetterSqlite3.Database | null = null;

  constructor(readonly sqlite: BetterSqlite3.Database) {
    this.db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
    this.group = new GroupCommit(sqlite);
  }

  /**
   * Everything outside the webhook hot path sees only committed data and never joins a batch:
   * an open group commit is committed first (a no-op check when none is open).
   */
  private settle(): void {
    if (this.group.pending && !this.group.running) this.group.flush();
  }

  /**
   * A cached prepared statement for this SQL text. Outside the hot path this first commits an
   * open group commit, so a statement run right after never joins (or reads) a pending batch.
   */
  prepare(sql: string): BetterSqlite3.Statement {
    this.settle();
    let s = this.statements.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /**
   * The prepared statement of a `query` on this connection, with its slots: one lookup per run on
   * the hot path (the statement is compiled and prepared on first use only).
   */
  private ready<P extends object>(q: Query<unknown, P>): Ready {
    this.settle();
    const last = q.prepared;
    if (last !== null && last.owner === this) return last.value as Ready;
    let r = this.readied.get(q);
    if (!r) {
      const c = q.compileFor(this.db);
      r = { statement: this.prepare(c.sql), compiled: c };
      this.readied.set(q, r);
    }
    q.prepared = { owner: this, value: r };
    return r;
  }

  /** The first row of a prepared `query` (src/store/query.ts), or undefined. */
  get<R, P extends object>(q: Query<R, P>, params: P): R | undefined {
    const r = this.ready(q);
    return r.compiled.calls.get(r.statement, params) as R | undefined;
  }

  /** Every row of a prepared `query`. */
  list<R, P extends object>(q: Query<R, P>, params: P): R[] {
    const r = this.ready(q);
    return r.compiled.calls.all(r.statement, params) as R[];
  }

  /** Runs a prepared write; returns the number of rows it changed. */
  exec<P extends object>(q: Query<unknown, P>, params: P): number {
    const r = this.ready(q);
    return r.compiled.calls.run(r.statement, params).changes;
  }

  /** Run a Kysely query synchronously and return its rows. */
  all<R>(query: Compilable<R>): R[] {
    this.settle();
    const c = query.compile();
    return this.prepare(c.sql).all(...(c.parameters as unknown[])) as R[];
  }

  /** Run a Kysely query synchronously and return its first row. */
  first<R>(query: Compilable<R>): R | undefined {
    this.settle();
    const c = query.compile();
    return this.prepare(c.sql).get(...(c.parameters as unknown[])) as R | undefined;
  }

  /** Run a Kysely write synchronously; returns the number of changed rows. */
  run(query: Compilable<unknown>): number {
    this.settle();
    const c = query.compile();
    const s = this.prepare(c.sql);
    return s.reader ? s.all(...(c.parameters as unknown[])).length : s.run(...(c.parameters as unknown[])).changes;
  }

  /** One short synchronous write transaction (BEGIN IMMEDIATE: takes the write lock up front). */
  tx<T>(fn: () => T): T {
    this.settle();
    return this.sqlite.transaction(fn).immediate();
  }

  /**
   * The webhook hot path's write: `fn` runs now, synchronously, in its own savepoint of a
   * transaction shared with the other webhooks of this event-loop turn; the promise resolves once
   * that transaction has committed (see group-commit.ts). Answer the webhook only after it resolves.
   */
  batched<T>(fn: () => T): Promise<T> {
    return this.group.run(fn);
  }

  /** Runs a repository's work (src/store/work.ts) synchronously, statement after statement. */
  drive<T>(work: Work<T>): T {
    let r = work.next();
    while (!r.done) {
      let value: unknown;
      try {
        value = this.step(r.value);
      } catch (err) {
        r = work.throw(err);
        continue;
      }
      r = work.next(value);
    }
    return r.value;
  }

  private step(s: Step): unknown {
    switch (s.op) {
      case 'get': return this.get(s.q, s.p);
      case 'list': return this.list(s.q, s.p);
      case 'exec': return this.exec(s.q, s.p);
      case 'all': return this.all(s.c);
      case 'first': return this.first(s.c);
      case 'run': return this.run(s.c);
      case 'engine': return 'sqlite';
    }
  }

  /**
   * A read-only connection to the same file for long scans (exports), opened on first use, with a
   * small page cache of its own (SCAN_CACHE_KIB). A million-row export reads every page of
   * contacts, memberships and pledges once: through the main connection those pages filled its
   * 64 MB cache (the rally's hot indexes pushed out, and the process's RSS up by as much); here
   * they pass through 4 MB. WAL: it reads committed data only, like everything outside the hot
   * path. An in-memory database (tests, tools) has no file to share: the main connection scans.
   */
  scanner(): BetterSqlite3.Database {
    this.settle();
    if (this.scanConnection?.open) return this.scanConnection;
    if (this.sqlite.memory || this.sqlite.readonly) return this.sqlite;
    const scan = new BetterSqlite3(this.sqlite.name, { readonly: true, fileMustExist: true });
    scan.pragma('busy_timeout = 5000');
    scan.pragma(`cache_size = -${SCAN_CACHE_KIB}`);
    this.scanConnection = scan;
    return scan;
  }

  close(): void {
    if (!this.sqlite.open) return;
    this.group.flush();
    if (this.scanConnection?.open) this.scanConnection.close();
    this.scanConnection = null;
    this.sqlite.close();
  }
}

/** Parse DATABASE_URL's sqlite form: "sqlite:./data/x.db", "sqlite:///abs/x.db", "sqlite::memory:". */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, '');
  return rest === ':memory:' ? ':memory:' : rest;
}

export function openSqliteDb(url: string, options: OpenOptions = {}): SqliteDb {
  const file = sqlitePath(url);
  if (file !== ':memory:' && !options.readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new BetterSqlite3(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  sqlite.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    sqlite.pragma('journal_mode = WAL');
    // WAL + NORMAL: a committed transaction survives a process crash (SIGKILL); only an OS
    // crash or power loss can lose the last few, which Twilio's own retries do not cover anyway.
    sqlite.pragma('synchronous = NORMAL');
    // A 64 MB page cache (default 2 MB) keeps a rally's indexes in memory instead of re-reading
    // them from the OS on every webhook; savepoint journals stay in memory instead of a temp file.
    // A process that only sends (dispatch-main) asks for less: see wiring/dispatcher-process.ts.
    sqlite.pragma(`cache_size = -${Math.max(1024, Math.floor(options.cacheKib ?? DEFAULT_CACHE_KIB))}`);
    sqlite.pragma('temp_store = MEMORY');
    sqlite.pragma('foreign_keys = ON');
    try {
      migrateSqliteSync(sqlite);
    } catch (err) {
      sqlite.close();
      throw err;
    }
    probeWritable(sqlite);
  }
  return new SqliteDb(sqlite);
}

/**
 * One committed write at start-up. SQLite silently opens a file it may not write read-only, and
 * CREATE TABLE IF NOT EXISTS on an existing schema writes nothing, so without this a read-only
 * database (or a disk with no room for the WAL) would only show up as every webhook failing.
 */
function probeWritable(sqlite: BetterSqlite3.Database): void {
  try {
    sqlite
      .prepare("INSERT INTO settings (key, value) VALUES ('last_started_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
      .run(new Date().toISOString());
  } catch (err) {
    sqlite.close();
    throw err;
  }
}

/** A sentence for an operator about why the database could not be opened or written. */
export function databaseProblemHint(err: unknown): string {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  if (/^SQLITE_READONLY/.test(code)) {
    return 'The database is read-only: make the file, its -wal and -shm files and its directory writable by this user (and the filesystem read-write), then start again.';
  }
  if (/^SQLITE_(CANTOPEN|PERM|AUTH)/.test(code)) {
    return 'Check that its directory exists and that the file and the directory are writable by this user.';
  }
  if (/^SQLITE_FULL/.test(code)) return 'The disk is full: free some space (or point DATABASE_URL at another disk), then start again.';
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return 'Another process holds a lock on it: stop that process or try again.';
  if (/^SQLITE_(NOTADB|CORRUPT)/.test(code)) return 'The file is not a rallytext SQLite database, or it is damaged: restore a backup.';
  if (/^SQLITE_IOERR/.test(code)) return 'The disk reported an I/O error: check the disk and free space, then start again.';
  // PostgreSQL (node-postgres and SQLSTATE codes).
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || /timeout/i.test(String((err as Error)?.message))) {
    return 'The PostgreSQL server did not answer: check that it runs and that DATABASE_URL names the right host and port.';
  }
  if (code === '28P01' || code === '28000') return 'PostgreSQL refused the user or password in DATABASE_URL.';
  if (code === '3D000') return 'The database named in DATABASE_URL does not exist on that PostgreSQL server: create it first.';
  if (code === '42501') return 'The PostgreSQL user may not create or change tables here: grant it rights on the schema, or run `rallytext db migrate` as the owner.';
  return '';
}

/** SQLite's side of the repositories' contract: every unit of work runs at once, synchronously. */
export class SqliteRunner implements Runner {
  readonly engine = 'sqlite' as const;
  readonly k: Kysely<DB>;
  constructor(readonly db: SqliteDb) {
    this.k = db.db;
  }

  read<T>(work: Work<T>): Promise<T> {
    try {
      return Promise.resolve(this.db.drive(work));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  tx<T>(work: Work<T>): Promise<T> {
    try {
      return Promise.resolve(this.db.tx(() => this.db.drive(work)));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  hot<T>(work: () => Work<T>): Promise<T> {
    return this.db.batched(() => this.db.drive(work()));
  }

  async *pages(statement: Query<unknown, Keyset>, size: () => number): AsyncGenerator<unknown[][]> {
    const compiled = statement.compileFor(this.k);
    // Raw mode on a statement of our own, on the scan connection (its own small page cache, so a
    // million-row export neither grows the process nor pushes the webhooks' pages out of the main cache).
    const stmt = this.db.scanner().prepare(compiled.sql).raw(true);
    let after = FIRST_KEY;
    for (;;) {
      const limit = size();
      const rows = compiled.calls.all(stmt, { after, limit }) as unknown[][];
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < limit) return;
      const last = rows[rows.length - 1]!;
      after = Number(last[last.length - 1]);
    }
  }
}
