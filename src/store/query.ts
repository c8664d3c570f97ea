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

/** A driver statement that takes its values as arguments (better-sqlite3's Statement). */
export interface ArgumentStatement {
  get(...values: unknown[]): unknown;
  all(...values: unknown[]): unknown[];
  run(...values: unknown[]): { changes: number };
}

/** A statement's get/all/run with its values read from the named params and passed as arguments. */
export interface ArgumentCalls {
  get(statement: ArgumentStatement, params: object): unknown;
  all(statement: ArgumentStatement, params: object): unknown[];
  run(statement: ArgumentStatement, params: object): { changes: number };
}

export interface CompiledStatement {
  readonly sql: string;
  readonly slots: readonly Slot[];
  /** The values of a run's parameters in slot order (see `binder`): for drivers that take an array (pg). */
  readonly values: (params: object) => unknown[];
  /** The same values passed as arguments, no array between (see `binder`): for better-sqlite3. */
  readonly calls: ArgumentCalls;
}

function missingParameter(name: string): never {
  throw new Error(`query parameter "${name}" is missing`);
}

/**
 * The slot values in order, as small functions made once per statement. Each named slot is a
 * property read with a constant key (`p["first_name"]`), which V8 caches per statement; a loop
 * over the slots reading `params[slot.name]` was a megamorphic keyed load and a string-table
 * lookup per slot, on every statement of every webhook (docs/performance.md). The names are the
 * code's own `param()` names, written into the source as JSON string literals.
 *
 * `values` returns them as an array (pg takes one). `calls` passes them to a better-sqlite3
 * statement as arguments: given an array, better-sqlite3 reads it element by element through
 * V8's C++ API (a property lookup and a type check per value, about 3 µs per webhook in perf of
 * the rally, session 23), where arguments arrive in place.
 */
function binder(slots: readonly Slot[]): { values: (params: object) => unknown[]; calls: ArgumentCalls } {
  const fixed = slots.map((s) => ('value' in s ? s.value : undefined));
  const lines: string[] = [];
  const items = slots.map((s, i) => {
    if (!('name' in s)) return `fixed[${i}]`;
    const key = JSON.stringify(s.name);
    lines.push(`const v${i} = p[${key}]; if (v${i} === undefined) missing(${key});`);
    return `v${i}`;
  });
  const read = lines.join(' ');
  const args = items.join(', ');
  const make = new Function(
    'fixed', 'missing',
    `return {
      values: function bind(p) { ${read} return [${args}]; },
      calls: {
        get: function get(s, p) { ${read} return s.get(${args}); },
        all: function all(s, p) { ${read} return s.all(${args}); },
        run: function run(s, p) { ${read} return s.run(${args}); },
      },
    };`,
  ) as (fixed: unknown[], missing: (name: string) => never) => { values: (params: object) => unknown[]; calls: ArgumentCalls };
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
      c = { sql: q.sql, slots, ...binder(slots) };
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
