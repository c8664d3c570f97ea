/** `rallytext db copy`'s SQLite side (src/store/copy/copy.ts): one better-sqlite3 connection. */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DEFAULT_MIGRATION_TABLE } from 'kysely';
import type { CopyEndpoint, TableShape } from '../copy/copy';
import { migrateSqliteSync } from '../migrations';
import { sqlitePath } from './db';

const PAGE = 2_000;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export class SqliteCopyEndpoint implements CopyEndpoint {
  readonly engine = 'sqlite' as const;
  private readonly db: BetterSqlite3.Database;

  /** A source must exist (opened read-only); a target file is created if it does not. */
  constructor(url: string, role: 'source' | 'target') {
    const file = sqlitePath(url);
    if (file === ':memory:') throw new Error('an in-memory SQLite database cannot be copied to or from');
    if (role === 'source' && !fs.existsSync(file)) throw new Error(`no SQLite database at ${file}`);
    if (role === 'target') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new BetterSqlite3(file, { readonly: role === 'source', fileMustExist: role === 'source' });
    this.db.pragma('busy_timeout = 5000');
    if (role === 'target') {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
    }
  }

  async applied(): Promise<string[]> {
    const has = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(DEFAULT_MIGRATION_TABLE);
    if (!has) return [];
    return (this.db.prepare(`SELECT name FROM ${DEFAULT_MIGRATION_TABLE} ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
  }

  async migrate(): Promise<void> {
    migrateSqliteSync(this.db);
  }

  async tables(): Promise<TableShape[]> {
    const names = (this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    return names.map((name) => {
      const withoutRowid = /WITHOUT\s+ROWID\s*$/i.test(
        (this.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) as { sql: string }).sql.trim(),
      );
      return {
        name,
        columns: (this.db.pragma(`table_info(${quote(name)})`) as { name: string }[]).map((c) => c.name),
        rowid: !withoutRowid,
        parents: [...new Set((this.db.pragma(`foreign_key_list(${quote(name)})`) as { table: string }[]).map((f) => f.table))],
      };
    });
  }

  async begin(): Promise<void> {
    // A read transaction is a snapshot in WAL mode; the target's is the copy's one transaction.
    this.db.exec('BEGIN');
  }

  async end(commit: boolean): Promise<void> {
    if (this.db.inTransaction) this.db.exec(commit ? 'COMMIT' : 'ROLLBACK');
  }

  async count(table: string): Promise<number> {
    return (this.db.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
  }

  async *rows(table: string, columns: string[]): AsyncIterable<unknown[][]> {
    const order = columns[0] === 'rowid' ? ' ORDER BY rowid' : '';
    const statement = this.db.prepare(`SELECT ${columns.map(quote).join(', ')} FROM ${quote(table)}${order}`).raw(true);
    let page: unknown[][] = [];
    for (const row of statement.iterate() as Iterable<unknown[]>) {
      page.push(row);
      if (page.length === PAGE) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  async clear(table: string): Promise<void> {
    this.db.prepare(`DELETE FROM ${quote(table)}`).run();
  }

  async insert(table: string, columns: string[], rows: unknown[][]): Promise<void> {
    const one = `(${columns.map(() => '?').join(', ')})`;
    this.db
      .prepare(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES ${rows.map(() => one).join(', ')}`)
      .run(...rows.flat().map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)));
  }

  /** SQLite gives the next rowid after the largest: nothing to do. */
  async rowidsInserted(): Promise<void> {}

  async close(): Promise<void> {
    this.db.close();
  }
}
