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
  /** The values of a run's parameters in slot order (see `binder`). */
  readonly values: (params: object) => unknown[];
}

function missingParameter(name: string): never {
  throw new Error(`query parameter "${name}" is missing`);
}

/**
 * The slot values in order, as a small function made once per statement. Each named slot is a
 * property read with a constant key (`p["first_name"]`), which V8 caches per statement; a loop
 * over the slots reading `params[slot.name]` was a megamorphic keyed load and a string-table
 * lookup per slot, on every statement of every webhook (docs/performance.md). The names are the
 * code's own `param()` names, written into the source as JSON string literals.
 */
function binder(slots: readonly Slot[]): (params: object) => unknown[] {
  const fixed = slots.map((s) => ('value' in s ? s.value : undefined));
  const lines: string[] = [];
  const items = slots.map((s, i) => {
    if (!('name' in s)) return `fixed[${i}]`;
    const key = JSON.stringify(s.name);
    lines.push(`const v${i} = p[${key}]; if (v${i} === undefined) missing(${key});`);
    return `v${i}`;
  });
  const make = new Function('fixed', 'missing', `return function bind(p) { ${lines.join(' ')} return [${items.join(', ')}]; };`) as (
    fixed: unknown[], missing: (name: string) => never,
  ) => (params: object) => unknown[];
  return make(fixed, missingParameter);
}

/** A statement described once; `R` is its row type, `P` the values its slots take. */
export class Query<R, P extends object> {
  private readonly compiled = new WeakMap<object, CompiledStatement>();
  /**
   * The engine connection that last prepared this query, and what it prepared: a process has one
   * main connection, so a run finds its statement here instead of in a WeakMap (src/store/sqlite/db.ts).
   */
  prepared: { readonly owner: object; readonly value: unknown } | null = null;
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
      c = { sql: q.sql, slots, values: binder(slots) };
      this.compiled.set(k, c);
    }
    return c;
  }
}

export function query<R, P extends object = Record<string, never>>(build: (k: Kysely<DB>) => Compilable<R>): Query<R, P> {
  return new Query<R, P>(build);
}

/** The values of `params` in the statement's slot order. */
export function bind(statement: CompiledStatement, params: object): unknown[] {
  return statement.values(params);
}
