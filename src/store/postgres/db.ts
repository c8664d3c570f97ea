/**
 * The PostgreSQL connection pool (node-postgres) and how repository work runs on it. Statements
 * compiled once by `query()` run as named prepared statements (parsed once per connection);
 * ad-hoc statements are compiled by Kysely's PostgreSQL dialect and run as they are. Integers
 * come back as numbers (bigint counts and identities included: they stay far below 2^53 here).
 */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { DB } from '../database';
import { bind } from '../query';
import { inline } from './batch';
import type { Query } from '../query';
import { FIRST_KEY, type Keyset, type Runner, type Step, type Work } from '../work';

export interface PgOptions {
  /** Connections in the pool (default 10). */
  max?: number;
  /** Schema to work in (tests use one schema per test file); default the server's search_path. */
  schema?: string;
}

/** SQLSTATEs after which a hot-path transaction is simply run again. */
const RETRYABLE = new Set(['23505', '40001', '40P01']);

type Queryable = pg.Pool | pg.PoolClient;

export class PgDb implements Runner {
  readonly engine = 'postgres' as const;
  readonly pool: pg.Pool;
  /** How each connection is made (a dedicated client, such as the LISTEN connection, uses it too). */
  readonly clientConfig: pg.ClientConfig;
  readonly db: Kysely<DB>;
  get k(): Kysely<DB> {
    return this.db;
  }
  private readonly names = new Map<string, string>();

  constructor(readonly url: string, options: PgOptions = {}) {
    const types = new pg.TypeOverrides();
    types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
    types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
    this.clientConfig = {
      connectionString: url, types, connectionTimeoutMillis: 5_000,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    };
    this.pool = new pg.Pool({ ...this.clientConfig, max: options.max ?? 10 });
    // An idle connection that dies (server restart) must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
    // Nor one that dies while checked out between two statements (a terminated backend, a cut
    // network): node-postgres then emits 'error' on the client, fatal without a listener. The next
    // statement on it fails instead (503), and the transaction releases it as broken.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    this.db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: this.pool }) });
  }

  /** A stable name per SQL text: the server keeps the parsed statement per connection. */
  private nameOf(text: string): string {
    let n = this.names.get(text);
    if (!n) {
      n = `rt${this.names.size + 1}`;
      this.names.set(text, n);
    }
    return n;
  }

  /**
   * Runs `work` statement by statement on `on`. With `later` (the hot path's transaction), writes
   * that need no answer wait there and go out with the next statement, in one round trip (batch.ts).
   */
  async drive<T>(work: Work<T>, on: Queryable, later?: string[]): Promise<T> {
    let r = work.next();
    while (!r.done) {
      let value: unknown;
      try {
        value = later ? await this.stepLater(r.value, on, later) : await this.step(r.value, on);
      } catch (err) {
        r = work.throw(err);
        continue;
      }
      r = work.next(value);
    }
    return r.value;
  }

  private async step(s: Step, on: Queryable): Promise<unknown> {
    switch (s.op) {
      case 'get':
      case 'list':
      case 'exec': {
        const c = s.q.compileFor(this.db);
        const res = await on.query({ name: this.nameOf(c.sql), text: c.sql, values: bind(c, s.p) });
        return s.op === 'get' ? res.rows[0] : s.op === 'list' ? res.rows : (res.rowCount ?? 0);
      }
      case 'all':
      case 'first':
      case 'run': {
        const c = s.c.compile();
        const res = await on.query(c.sql, c.parameters as unknown[]);
        return s.op === 'all' ? res.rows : s.op === 'first' ? res.rows[0] : (res.rowCount ?? res.rows.length);
      }
      case 'engine':
        return 'postgres';
    }
  }

  private async stepLater(s: Step, on: Queryable, later: string[]): Promise<unknown> {
    if (s.op === 'engine') return 'postgres';
    if (s.op === 'exec' && s.later) {
      const c = s.q.compileFor(this.db);
      later.push(inline(c.sql, bind(c, s.p)));
      return undefined;
    }
    if (later.length === 0) return this.step(s, on);
    let text: string;
    if ('q' in s) {
      const c = s.q.compileFor(this.db);
      text = inline(c.sql, bind(c, s.p));
    } else {
      const c = s.c.compile();
      text = inline(c.sql, c.parameters);
    }
    later.push(text);
    const statements = later.join(';\n');
    later.length = 0;
    const results = (await on.query(statements)) as unknown as pg.QueryResult[];
    const res = results[results.length - 1]!;
    switch (s.op) {
      case 'get':
      case 'first':
        return res.rows[0];
      case 'list':
      case 'all':
        return res.rows;
      default:
        return res.rowCount ?? res.rows.length;
    }
  }

  read<T>(work: Work<T>): Promise<T> {
    return this.drive(work, this.pool);
  }

  async tx<T>(work: Work<T>): Promise<T> {
    return this.inTransaction(async (client) => {
      await client.query('BEGIN');
      const result = await this.drive(work, client);
      await client.query('COMMIT');
      return result;
    });
  }

  /**
   * `run` on a pooled client that has begun a transaction: on any error the transaction is rolled
   * back, and a client that cannot even roll back is discarded rather than returned to the pool.
   */
  private async inTransaction<T>(run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      return await run(client);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /**
   * One transaction in as few round trips as it can be: BEGIN goes out with the first statement,
   * the writes with the next read, the last writes with COMMIT (batch.ts). A JOIN: 5 round trips.
   */
  private async hotTx<T>(work: Work<T>): Promise<T> {
    return this.inTransaction(async (client) => {
      const later = ['BEGIN'];
      const result = await this.drive(work, client, later);
      later.push('COMMIT');
      await client.query(later.join(';\n'));
      return result;
    });
  }

  /**
   * The webhook's transaction. Two processes racing on one new number or one MessageSid meet at a
   * unique key; the loser rolls back and runs again, and then sees the winner's committed rows.
   */
  async hot<T>(work: () => Work<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.hotTx(work());
      } catch (err) {
        if (attempt >= 4 || !RETRYABLE.has(String((err as { code?: unknown }).code))) throw err;
      }
    }
  }

  async *pages(statement: Query<unknown, Keyset>, size: () => number): AsyncGenerator<unknown[][]> {
    const c = statement.compileFor(this.db);
    let after = FIRST_KEY;
    for (;;) {
      const limit = size();
      const res = await this.pool.query({ text: c.sql, values: bind(c, { after, limit }), rowMode: 'array' });
      const rows = res.rows as unknown[][];
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < limit) return;
      const last = rows[rows.length - 1]!;
      after = Number(last[last.length - 1]);
    }
  }

  async close(): Promise<void> {
    // Kysely ends the pool only if it ever used it (its driver starts lazily).
    await this.db.destroy();
    if (!this.pool.ended) await this.pool.end();
  }
}
