/**
 * Statements inlined for one multi-statement round trip on PostgreSQL's hot path.
 *
 * node-postgres sends one statement per round trip and does not pipeline; a webhook's transaction
 * is ~12 statements, so on a network where a round trip costs 0.3-1 ms (a managed server) the
 * round trips, not the work, would set the latency and how long the contact's row lock is held.
 * The hot path therefore sends its writes (`write()` in src/store/work.ts: no row count needed)
 * later, together with the next read or with COMMIT, and BEGIN with its first statement, as ONE
 * simple-protocol query ("BEGIN; SELECT …" … "INSERT …; INSERT …; SELECT status …" … "INSERT …;
 * COMMIT"). Statements in one such query run in order, each seeing the previous ones' effects (not
 * so in one data-modifying CTE, whose parts share one snapshot: the opt-out gate's status read
 * must see the contact just written). The price: those statements carry their values inline, so
 * the server parses and plans them each time (primary-key lookups and inserts: microseconds).
 *
 * Values are inlined as quoted literals (an untyped literal takes its column's type, as a bound
 * parameter does) through node-postgres's own escaping. A NUL character, which PostgreSQL text
 * cannot hold and which would cut a query string short, is refused exactly as the server refuses
 * it in a bound value (SQLSTATE 22021).
 */
import pg from 'pg';

const escape = pg.Client.prototype.escapeLiteral;

function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  if (text.includes('\u0000')) {
    throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
  }
  return escape(text);
}

/** A compiled statement (`$1`, `$2` … placeholders) with its values written in. */
export function inline(sql: string, values: readonly unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_m, n: string) => literal(values[Number(n) - 1]));
}
