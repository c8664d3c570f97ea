/**
 * Opens the embedded SQLite database and applies schema.sql.
 *
 * One better-sqlite3 connection serves everything. Kysely builds typed SQL; statements run
 * synchronously through `Store`, so a multi-statement write is one short synchronous
 * transaction that no other request can interleave with (see README "hot path").
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type Compilable } from 'kysely';
import type { DB } from './database';

/** schema.sql at the project root, found from src/store, dist/store or build/src/store. */
export const SCHEMA_PATH =
  [2, 3].map((up) => path.join(__dirname, ...Array<string>(up).fill('..'), 'schema.sql')).find((p) => fs.existsSync(p)) ??
  path.join(__dirname, '..', '..', 'schema.sql');

export interface OpenOptions {
  /** Open without writing (for tools); schema is not applied. */
  readonly?: boolean;
}

export class Store {
  readonly db: Kysely<DB>;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(readonly sqlite: BetterSqlite3.Database) {
    this.db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  }

  /** A cached prepared statement for this SQL text. */
  prepare(sql: string): BetterSqlite3.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Run a Kysely query synchronously and return its rows. */
  all<R>(query: Compilable<R>): R[] {
    const c = query.compile();
    return this.prepare(c.sql).all(...(c.parameters as unknown[])) as R[];
  }

  /** Run a Kysely query synchronously and return its first row. */
  first<R>(query: Compilable<R>): R | undefined {
    const c = query.compile();
    return this.prepare(c.sql).get(...(c.parameters as unknown[])) as R | undefined;
  }

  /** Run a Kysely write synchronously; returns the number of changed rows. */
  run(query: Compilable<unknown>): number {
    const c = query.compile();
    const s = this.prepare(c.sql);
    return s.reader ? s.all(...(c.parameters as unknown[])).length : s.run(...(c.parameters as unknown[])).changes;
  }

  /** One short synchronous write transaction (BEGIN IMMEDIATE: takes the write lock up front). */
  tx<T>(fn: () => T): T {
    return this.sqlite.transaction(fn).immediate();
  }

  close(): void {
    if (this.sqlite.open) this.sqlite.close();
  }
}

/** Parse DATABASE_URL's sqlite form: "sqlite:./data/x.db", "sqlite:///abs/x.db", "sqlite::memory:". */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, '');
  return rest === ':memory:' ? ':memory:' : rest;
}

export function openStore(url: string, options: OpenOptions = {}): Store {
  const file = sqlitePath(url);
  if (file !== ':memory:' && !options.readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new BetterSqlite3(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  sqlite.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    sqlite.pragma('journal_mode = WAL');
    // WAL + NORMAL: a committed transaction survives a process crash (SIGKILL); only an OS
    // crash or power loss can lose the last few, which Twilio's own retries do not cover anyway.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.exec(fs.readFileSync(SCHEMA_PATH, 'utf8'));
  }
  return new Store(sqlite);
}
