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

  async drive<T>(work: Work<T>, on: Queryable): Promise<T> {
    let r = work.next();
    while (!r.done) {
      let value: unknown;
      try {
        value = await this.step(r.value, on);
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

  read<T>(work: Work<T>): Promise<T> {
    return this.drive(work, this.pool);
  }

  async tx<T>(work: Work<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await this.drive(work, client);
      await client.query('COMMIT');
      return result;
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
   * The webhook's transaction. Two processes racing on one new number or one MessageSid meet at a
   * unique key; the loser rolls back and runs again, and then sees the winner's committed rows.
   */
  async hot<T>(work: () => Work<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tx(work());
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
