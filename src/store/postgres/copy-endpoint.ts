/**
 * `rallytext db copy`'s PostgreSQL side (src/store/copy/copy.ts): one dedicated connection of a
 * PgDb (its schema and its number parsing). A source is read in one REPEATABLE READ, READ ONLY
 * transaction (a snapshot, even with gateways writing) through cursors; the target's rows go in
 * by multi-row INSERTs in the copy's one transaction.
 */
import { DEFAULT_MIGRATION_TABLE } from 'kysely';
import type pg from 'pg';
import type { CopyEndpoint, TableShape } from '../copy/copy';
import { migrateToLatest } from '../migrations';
import { PgDb } from './db';

const PAGE = 2_000;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export class PgCopyEndpoint implements CopyEndpoint {
  readonly engine = 'postgres' as const;
  private readonly db: PgDb;
  private client: pg.PoolClient | null = null;
  private cursors = 0;

  constructor(url: string) {
    this.db = new PgDb(url, { max: 2 });
  }

  private async c(): Promise<pg.PoolClient> {
    this.client ??= await this.db.pool.connect();
    return this.client;
  }

  async applied(): Promise<string[]> {
    const c = await this.c();
    const { rows } = await c.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [`${DEFAULT_MIGRATION_TABLE}`]);
    if (!rows[0]!.ok) return [];
    return (await c.query<{ name: string }>(`SELECT name FROM ${DEFAULT_MIGRATION_TABLE} ORDER BY name`)).rows.map((r) => r.name);
  }

  async migrate(): Promise<void> {
    await migrateToLatest(this.db.db, 'postgres');
  }

  async tables(): Promise<TableShape[]> {
    const c = await this.c();
    const tables = (
      await c.query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
      )
    ).rows.map((r) => r.name);
    const cols = (
      await c.query<{ t: string; c: string }>(
        'SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position',
      )
    ).rows;
    const fks = (
      await c.query<{ child: string; parent: string }>(
        "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace",
      )
    ).rows;
    return tables.map((name) => {
      const columns = cols.filter((r) => r.t === name).map((r) => r.c);
      return {
        name,
        columns: columns.filter((x) => x !== 'rowid'),
        rowid: columns.includes('rowid'),
        parents: [...new Set(fks.filter((f) => f.child === name).map((f) => f.parent))],
      };
    });
  }

  async begin(mode: 'read' | 'write'): Promise<void> {
    await (await this.c()).query(mode === 'read' ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
  }

  async end(commit: boolean): Promise<void> {
    await (await this.c()).query(commit ? 'COMMIT' : 'ROLLBACK');
  }

  async count(table: string): Promise<number> {
    return Number((await (await this.c()).query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table)}`)).rows[0]!.n);
  }

  async *rows(table: string, columns: string[]): AsyncIterable<unknown[][]> {
    const c = await this.c();
    const cursor = `rt_copy_${++this.cursors}`;
    const order = columns[0] === 'rowid' ? ' ORDER BY rowid' : '';
    await c.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${columns.map(quote).join(', ')} FROM ${quote(table)}${order}`);
    try {
      for (;;) {
        const res = await c.query({ text: `FETCH ${PAGE} FROM ${cursor}`, rowMode: 'array' });
        if (res.rows.length > 0) yield res.rows as unknown[][];
        if (res.rows.length < PAGE) return;
      }
    } finally {
      await c.query(`CLOSE ${cursor}`);
    }
  }

  async clear(table: string): Promise<void> {
    await (await this.c()).query(`DELETE FROM ${quote(table)}`);
  }

  async insert(table: string, columns: string[], rows: unknown[][]): Promise<void> {
    const n = columns.length;
    const values = rows.map((_, r) => `(${columns.map((_c, i) => `$${r * n + i + 1}`).join(', ')})`).join(', ');
    await (await this.c()).query(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES ${values}`, rows.flat());
  }

  /** The identity's next value goes after the largest rowid copied. */
  async rowidsInserted(table: string): Promise<void> {
    await (await this.c()).query(
      `SELECT setval(pg_get_serial_sequence($1, 'rowid'), coalesce((SELECT max(rowid) FROM ${quote(table)}), 0) + 1, false)`, [quote(table)],
    );
  }

  async close(): Promise<void> {
    this.client?.release();
    this.client = null;
    await this.db.close();
  }
}
