/**
 * A PageSource over one SQL query with keyset pagination. The query selects its keyset value
 * (a rowid) as the first column and takes the named parameters @after and @limit:
 *   ... WHERE <key> > @after ... ORDER BY <key> LIMIT @limit
 * Each page is a short, separate read on the shared connection: no transaction or cursor is
 * held open between pages, so writers (webhooks) are never blocked by a slow download.
 */
import type { SqliteDb } from '../store/sqlite/db';
import { csvCell, type CsvColumn, type Page, type PageSource } from '../usecases/exports/csv';

export interface KeysetQuery {
  sql: string;
  params: Record<string, string | number>;
  columns: readonly CsvColumn[];
}

export function keysetSource(store: SqliteDb, query: KeysetQuery): PageSource {
  // Raw mode (arrays, not objects) on a statement of our own: the cached ones are shared.
  const stmt = store.sqlite.prepare(query.sql).raw(true);
  const { columns } = query;
  const width = columns.length;
  return {
    columns,
    fetch(after: number, limit: number): Page {
      const rows = stmt.all({ ...query.params, after, limit }) as unknown[][];
      const cells: string[][] = new Array<string[]>(rows.length);
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        const out = new Array<string>(width);
        for (let i = 0; i < width; i++) out[i] = csvCell(row[i + 1], columns[i]!.kind);
        cells[r] = out;
      }
      const last = rows[rows.length - 1];
      return { cells, key: last ? Number(last[0]) : null };
    },
  };
}
