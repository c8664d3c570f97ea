/**
 * Repositories written once for both engines. A repository's database work is a generator (a
 * `Work`) that yields the statements it wants run and receives their results: `yield* get(q, p)`.
 * The engine drives it: SQLite synchronously, statement after statement on its one connection (so
 * its hot path and group commit stay exactly as fast as plain calls), PostgreSQL asynchronously on
 * a pooled connection inside its transaction. The code between statements (decisions, loops) is
 * shared; only what really differs per engine lives in the engine's folder or in dialect.ts.
 */
import type { Compilable, Kysely } from 'kysely';
import type { DB } from './database';
import type { Query } from './query';
import type { StoreEngine } from './store';

export type Step =
  | { readonly op: 'get' | 'list' | 'exec'; readonly q: Query<unknown, object>; readonly p: object; readonly later?: boolean }
  | { readonly op: 'all' | 'first' | 'run'; readonly c: Compilable<unknown> }
  | { readonly op: 'engine' };

/** A unit of database work yielding `Step`s and returning `T`. */
export type Work<T> = Generator<Step, T, unknown>;

/** The first row of a prepared `query`, or undefined. */
export function* get<R, P extends object>(q: Query<R, P>, p: P): Work<R | undefined> {
  return (yield { op: 'get', q: q as Query<unknown, object>, p }) as R | undefined;
}

/** Every row of a prepared `query`. */
export function* list<R, P extends object>(q: Query<R, P>, p: P): Work<R[]> {
  return (yield { op: 'list', q: q as Query<unknown, object>, p }) as R[];
}

/** Runs a prepared write; the number of rows it changed. */
export function* exec<P extends object>(q: Query<unknown, P>, p: P): Work<number> {
  return (yield { op: 'exec', q: q as Query<unknown, object>, p }) as number;
}

/**
 * A write whose outcome the work does not need (no row count): an engine may send it later, with
 * the next statement or the commit, in one round trip (PostgreSQL's hot path does; SQLite runs it
 * at once). Its failure then surfaces at that later statement, still inside the transaction.
 */
export function* write<P extends object>(q: Query<unknown, P>, p: P): Work<void> {
  yield { op: 'exec', q: q as Query<unknown, object>, p, later: true };
}

/** Every row of a statement built now (ad-hoc filters) with the runner's Kysely (`Runner.k`). */
export function* all<R>(c: Compilable<R>): Work<R[]> {
  return (yield { op: 'all', c }) as R[];
}

/** The first row of a statement built now. */
export function* first<R>(c: Compilable<R>): Work<R | undefined> {
  return (yield { op: 'first', c }) as R | undefined;
}

/** Runs a write built now; the number of rows changed (rows returned, for RETURNING). */
export function* run(c: Compilable<unknown>): Work<number> {
  return (yield { op: 'run', c }) as number;
}

/** Which engine runs this work (for the rare decision that differs, e.g. a row lock). */
export function* engine(): Work<StoreEngine> {
  return (yield { op: 'engine' }) as StoreEngine;
}

/** The paging slots of an export statement: rows after this key, at most this many. */
export interface Keyset {
  after: number;
  limit: number;
}

/** Pages start after this key (below any rowid). */
export const FIRST_KEY = Number.MIN_SAFE_INTEGER;

/** How a repository has its work run: the engine's side of the contract. */
export interface Runner {
  readonly engine: StoreEngine;
  /** The engine's Kysely: ad-hoc statements are built with it (they compile to its dialect). */
  readonly k: Kysely<DB>;
  /** Outside any explicit transaction (each statement commits on its own). */
  read<T>(work: Work<T>): Promise<T>;
  /** In one transaction: all of it or none of it. */
  tx<T>(work: Work<T>): Promise<T>;
  /**
   * The webhook hot path's transaction: committed before the promise resolves (SQLite: in its
   * savepoint of the group commit; PostgreSQL: its own transaction, retried on a unique-key race).
   */
  hot<T>(work: () => Work<T>): Promise<T>;
  /**
   * Keyset pages of a statement as arrays (raw rows), the key being each row's last value; ends
   * after the first page shorter than asked. No transaction is held between pages.
   */
  pages(statement: Query<unknown, Keyset>, size: () => number): AsyncIterable<unknown[][]>;
}
