/**
 * One query style for the whole store: Kysely builds every statement (typed by the table types,
 * compiled for whichever engine runs it), and a statement that runs often is built once.
 *
 * `query(k => …)` describes a statement whose changing values are named `param('x')` slots. Each
 * engine compiles it once (per engine, on first use) to SQL text plus the order of its slots; a
 * run binds the values by name into that order. The hot paths thus pay neither Kysely's
 * builder nor its compiler per call, yet the SQL stays typed and engine-neutral: the same
 * description compiles to `?` placeholders for SQLite and `$1…` for PostgreSQL.
 *
 * Queries built per call (ad-hoc filters, exports) are plain Kysely builders, run as they are.
 */
import type { Compilable, Kysely } from 'kysely';
import type { DB } from './database';

const MARK = '\u0000rallytext-param:';

/** A named slot in a `query`: typed as the column's value so Kysely checks the comparison. */
export function param<T>(name: string): T {
  return `${MARK}${name}` as unknown as T;
}

type Slot = { readonly name: string } | { readonly value: unknown };

export interface CompiledStatement {
  readonly sql: string;
  readonly slots: readonly Slot[];
}

/** A statement described once; `R` is its row type, `P` the values its slots take. */
export class Query<R, P extends object> {
  private readonly compiled = new WeakMap<object, CompiledStatement>();
  declare readonly row: R;
  declare readonly params: P;

  constructor(private readonly build: (k: Kysely<DB>) => Compilable<unknown>) {}

  /** The SQL for one engine's builder, compiled on first use and kept. */
  compileFor(k: Kysely<DB>): CompiledStatement {
    let c = this.compiled.get(k);
    if (!c) {
      const q = this.build(k).compile();
      const slots = q.parameters.map((v): Slot =>
        typeof v === 'string' && v.startsWith(MARK) ? { name: v.slice(MARK.length) } : { value: v },
      );
      c = { sql: q.sql, slots };
      this.compiled.set(k, c);
    }
    return c;
  }
}

export function query<R, P extends object = Record<string, never>>(build: (k: Kysely<DB>) => Compilable<R>): Query<R, P> {
  return new Query<R, P>(build);
}

/** The values of `params` in the statement's slot order (a plain loop: this runs per statement). */
export function bind(statement: CompiledStatement, params: object): unknown[] {
  const values = params as Record<string, unknown>;
  const slots = statement.slots;
  const out = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    if ('name' in s) {
      const v = values[s.name];
      if (v === undefined) throw new Error(`query parameter "${s.name}" is missing`);
      out[i] = v;
    } else {
      out[i] = s.value;
    }
  }
  return out;
}
