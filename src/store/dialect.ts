/**
 * The few SQL expressions that are spelled differently by the two engines, chosen by the Kysely
 * instance a statement is compiled with (so a `query()` still compiles once per engine).
 */
import { PostgresAdapter, sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { DB } from './database';
import type { StoreEngine } from './store';

export function engineOf(k: Kysely<DB>): StoreEngine {
  return k.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** Integer cents as "12.50". */
export function amountText(k: Kysely<DB>, cents: string): RawBuilder<string> {
  const c = sql.ref(cents);
  return engineOf(k) === 'postgres'
    ? sql<string>`(${c} / 100)::text || '.' || lpad((${c} % 100)::text, 2, '0')`
    : sql<string>`printf('%d.%02d', ${c} / 100, ${c} % 100)`;
}

/** The values of a column joined by `separator`, in the rows' order. */
export function joined(k: Kysely<DB>, column: string, separator: string): RawBuilder<string | null> {
  return engineOf(k) === 'postgres'
    ? sql<string | null>`string_agg(${sql.ref(column)}, ${sql.lit(separator)})`
    : sql<string | null>`group_concat(${sql.ref(column)}, ${sql.lit(separator)})`;
}

/** `column LIKE pattern`, ignoring ASCII case on both engines (SQLite's LIKE does; PostgreSQL needs ILIKE). */
export function likeNoCase(k: Kysely<DB>, column: string, pattern: string): RawBuilder<SqlBool> {
  const op = engineOf(k) === 'postgres' ? sql.raw('ILIKE') : sql.raw('LIKE');
  return sql<SqlBool>`${sql.ref(column)} ${op} ${pattern} ESCAPE '\\'`;
}

/** A text column for ordering ignoring case. */
export function noCase(k: Kysely<DB>, column: string): Expression<string> {
  return engineOf(k) === 'postgres' ? sql<string>`lower(${sql.ref(column)})` : sql<string>`${sql.ref(column)} COLLATE NOCASE`;
}
