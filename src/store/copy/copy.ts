/**
 * `rallytext db copy`: moves a campaign's whole database from one engine to another (SQLite to
 * PostgreSQL when it outgrows one machine, or back), written once over two small engine endpoints
 * (src/store/sqlite/copy-endpoint.ts, src/store/postgres/copy-endpoint.ts).
 *
 * Both sides must be at this release's schema (the target is migrated first; a source that is
 * behind is refused: migrate it first). Every table is copied except the migrations' bookkeeping
 * and the flood buckets (throttle state), parents before children (foreign keys, from the
 * target's catalog), in ONE transaction on the target: all of it or nothing. The source is read
 * from one snapshot (a read transaction), so a gateway still running on it cannot tear the copy.
 * The insertion order that queries rely on (the `rowid` of SQLite, the rowid identity column of
 * PostgreSQL) is carried over. Then every table is verified before the commit: its row count and
 * an order-independent checksum (the sum of a hash per row) of what was read from the source must
 * equal the same figures read back from the target. A target that already holds rows is refused
 * unless `force` (then its rows are deleted first, in the same transaction).
 */
import { createHash } from 'node:crypto';
import type { StoreEngine } from '../store';

export interface TableShape {
  name: string;
  /** Columns, without the engine's rowid. */
  columns: string[];
  /** The table keeps an insertion order key (SQLite's rowid, PostgreSQL's rowid identity column). */
  rowid: boolean;
  /** Tables this one references (foreign keys). */
  parents: string[];
}

/** One side of a copy; every method runs on one connection, in the transaction `begin` opened. */
export interface CopyEndpoint {
  readonly engine: StoreEngine;
  /** Migrations applied (names). */
  applied(): Promise<string[]>;
  migrate(): Promise<void>;
  tables(): Promise<TableShape[]>;
  /** A snapshot (source) or the copy's transaction (target). */
  begin(mode: 'read' | 'write'): Promise<void>;
  end(commit: boolean): Promise<void>;
  count(table: string): Promise<number>;
  /** Rows in pages, each row the values of `columns` in order (`rowid` is a column name here). */
  rows(table: string, columns: string[]): AsyncIterable<unknown[][]>;
  clear(table: string): Promise<void>;
  insert(table: string, columns: string[], rows: unknown[][]): Promise<void>;
  /** After rows came with explicit rowids: the next one generated must come after them. */
  rowidsInserted(table: string): Promise<void>;
  close(): Promise<void>;
}

/** Not copied: the migrations' own bookkeeping (the target has its own) and throttle state. */
export const NOT_COPIED = new Set(['kysely_migration', 'kysely_migration_lock', 'flood_buckets']);

export interface TableCopy {
  table: string;
  rows: number;
  checksum: string;
}

export class CopyRefused extends Error {
  constructor(
    message: string,
    readonly nonEmpty: { table: string; rows: number }[] = [],
  ) {
    super(message);
    this.name = 'CopyRefused';
  }
}

/** Order-independent: the sum (mod 2^64) of the first 8 bytes of each row's SHA-1. */
export class Checksum {
  private sum = 0n;
  rows = 0;
  add(row: unknown[]): void {
    // Values compared as text: SQLite may hand back 5 where PostgreSQL hands back '5' for one stored value.
    const text = row.map((v) => (v === null || v === undefined ? '\u0000' : Buffer.isBuffer(v) ? v.toString('hex') : String(v))).join('\u0001');
    this.sum = (this.sum + createHash('sha1').update(text).digest().readBigUInt64BE(0)) & 0xffffffffffffffffn;
    this.rows++;
  }
  get hex(): string {
    return this.sum.toString(16).padStart(16, '0');
  }
}

/** Parents before children; a cycle (none in this schema) is refused rather than half-copied. */
export function parentsFirst(tables: TableShape[]): TableShape[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const out: TableShape[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: TableShape) => {
    if (state.get(t.name) === 'done') return;
    if (state.get(t.name) === 'visiting') throw new CopyRefused(`foreign keys form a cycle through ${t.name}`);
    state.set(t.name, 'visiting');
    for (const p of t.parents) {
      const parent = byName.get(p);
      if (parent && p !== t.name) visit(parent);
    }
    state.set(t.name, 'done');
    out.push(t);
  };
  for (const t of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(t);
  return out;
}

/** Rows per INSERT: under both engines' bound-parameter limits (SQLite 32,766; PostgreSQL 65,535). */
function batchRows(columns: number): number {
  return Math.max(1, Math.min(1000, Math.floor(30_000 / columns)));
}

export async function copyDatabase(
  from: CopyEndpoint, to: CopyEndpoint, options: { force: boolean; expectedMigrations: readonly string[] },
): Promise<TableCopy[]> {
  const want = [...options.expectedMigrations];
  const have = await from.applied();
  if (JSON.stringify(have) !== JSON.stringify(want)) {
    throw new CopyRefused(
      `the source is not at this release's schema (applied: ${have.join(', ') || 'none'}); run \`rallytext db migrate\` on it first (DATABASE_URL=<source>)`,
    );
  }
  await to.migrate();
  const targetTables = (await to.tables()).filter((t) => !NOT_COPIED.has(t.name));
  const sourceTables = new Map((await from.tables()).map((t) => [t.name, t]));
  for (const t of targetTables) {
    const s = sourceTables.get(t.name);
    const missing = s ? t.columns.filter((c) => !s.columns.includes(c)) : ['(the table)'];
    if (missing.length > 0) throw new CopyRefused(`the source's ${t.name} has no ${missing.join(', ')}: the two schemas differ`);
  }
  const order = parentsFirst(targetTables);

  await from.begin('read');
  await to.begin('write');
  let committed = false;
  try {
    const nonEmpty: { table: string; rows: number }[] = [];
    for (const t of order) {
      const n = await to.count(t.name);
      if (n > 0) nonEmpty.push({ table: t.name, rows: n });
    }
    if (nonEmpty.length > 0 && !options.force) {
      throw new CopyRefused(
        `the target is not empty (${nonEmpty.map((e) => `${e.table}: ${e.rows}`).join(', ')}); pass --force to replace its rows with the source's`,
        nonEmpty,
      );
    }
    for (const t of [...order].reverse()) if (nonEmpty.some((e) => e.table === t.name)) await to.clear(t.name);

    const copied: { shape: TableShape; columns: string[]; source: Checksum; withRowid: boolean }[] = [];
    for (const t of order) {
      const withRowid = t.rowid && sourceTables.get(t.name)!.rowid;
      const columns = withRowid ? ['rowid', ...t.columns] : t.columns;
      const source = new Checksum();
      const size = batchRows(columns.length);
      let pending: unknown[][] = [];
      for await (const page of from.rows(t.name, columns)) {
        for (const row of page) {
          source.add(row);
          pending.push(row);
          if (pending.length >= size) {
            await to.insert(t.name, columns, pending);
            pending = [];
          }
        }
      }
      if (pending.length > 0) await to.insert(t.name, columns, pending);
      if (withRowid) await to.rowidsInserted(t.name);
      copied.push({ shape: t, columns, source, withRowid });
    }

    // Read back from the target, in the same transaction, before committing.
    const report: TableCopy[] = [];
    const wrong: string[] = [];
    for (const c of copied) {
      const target = new Checksum();
      for await (const page of to.rows(c.shape.name, c.columns)) for (const row of page) target.add(row);
      if (target.rows !== c.source.rows || target.hex !== c.source.hex) {
        wrong.push(`${c.shape.name}: source ${c.source.rows} rows ${c.source.hex}, target ${target.rows} rows ${target.hex}`);
      }
      report.push({ table: c.shape.name, rows: c.source.rows, checksum: c.source.hex });
    }
    if (wrong.length > 0) throw new Error(`the copy does not match its source, nothing was written: ${wrong.join('; ')}`);
    await to.end(true);
    committed = true;
    return report;
  } finally {
    if (!committed) await to.end(false).catch(() => undefined);
    await from.end(false).catch(() => undefined);
  }
}
