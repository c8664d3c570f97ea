/**
 * Tests on PostgreSQL (TEST_ENGINE=postgres) look into the database the way SQLite tests do:
 * synchronously (`t.ctx.db.sqlite.prepare(sql).get(...)`, `t.ctx.db.first(builder)`). This is a
 * synchronous PostgreSQL connection for tests only: a worker thread holds a `pg` client, and the
 * test thread waits on an Atomics flag for each answer (read back with receiveMessageOnPort).
 * `PgTestDb` offers the part of SqliteDb's API the tests use, over that connection; SQLite's `?`
 * placeholders become `$1…`.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type Compilable } from 'kysely';
import type { DB } from '../../src/store/database';
import { bind, type Query } from '../../src/store/query';
import type { Keyset, Runner, Step, Work } from '../../src/store/work';

const WORKER = `
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
const types = new pg.TypeOverrides();
types.setTypeParser(20, Number);
types.setTypeParser(1700, Number);
const client = new pg.Client({ connectionString: workerData.url, types });
const ready = client.connect();
const flag = new Int32Array(workerData.flag);
workerData.port.on('message', async ({ sql, values }) => {
  let answer;
  try {
    await ready;
    const r = await client.query(sql, values);
    answer = { rows: r.rows, rowCount: r.rowCount };
  } catch (err) {
    answer = { error: err.message, code: err.code };
  }
  workerData.port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
workerData.port.on('close', () => client.end());
`;

export class SyncPg {
  private readonly worker: Worker;
  private readonly port: MessageChannel['port1'];
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));

  constructor(url: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { url, flag: this.flag.buffer, port: port2, pgPath: require.resolve('pg') },
      transferList: [port2],
    });
    this.worker.unref();
  }

  query(sql: string, values: readonly unknown[] = []): { rows: Record<string, unknown>[]; rowCount: number } {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ sql, values });
    if (Atomics.wait(this.flag, 0, 0, 30_000) === 'timed-out') throw new Error(`PostgreSQL did not answer in 30 s: ${sql}`);
    // The flag can be seen before the message reaches this side of the port (a loaded machine): wait for it.
    let got = receiveMessageOnPort(this.port);
    for (let i = 0; got === undefined && i < 30_000; i++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      got = receiveMessageOnPort(this.port);
    }
    if (got === undefined) throw new Error(`PostgreSQL answered but the answer did not arrive: ${sql}`);
    const answer = got.message as { rows: Record<string, unknown>[]; rowCount: number; error?: string; code?: string };
    if (answer.error) throw Object.assign(new Error(answer.error), { code: answer.code });
    return answer;
  }

  close(): void {
    this.port.close();
    void this.worker.terminate();
  }
}

/** SQLite's `?` placeholders as PostgreSQL's `$1…` (outside quoted strings). */
function placeholders(sql: string): string {
  let n = 0;
  let quoted = false;
  let out = '';
  for (const ch of sql) {
    if (ch === "'") quoted = !quoted;
    out += !quoted && ch === '?' ? `$${++n}` : ch;
  }
  return out;
}

export const postgresCompiler = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** The subset of SqliteDb the tests use, on a synchronous PostgreSQL connection. */
export class PgTestDb {
  readonly db: Kysely<DB>;
  readonly sqlite: { prepare(sql: string): PgStatement; exec(sql: string): void };

  constructor(
    readonly pg: SyncPg,
    k: Kysely<DB>,
    private readonly onClose: () => void,
  ) {
    this.db = k;
    this.sqlite = { prepare: (sql) => this.prepare(sql), exec: (sql) => void pg.query(sql) };
  }

  prepare(sql: string): PgStatement {
    const text = placeholders(sql);
    const pg = this.pg;
    return {
      get: (...values: unknown[]) => pg.query(text, values).rows[0],
      all: (...values: unknown[]) => pg.query(text, values).rows,
      run: (...values: unknown[]) => ({ changes: pg.query(text, values).rowCount }),
    };
  }

  get<R, P extends object>(q: Query<R, P>, params: P): R | undefined {
    const c = q.compileFor(this.db);
    return this.pg.query(c.sql, bind(c, params)).rows[0] as R | undefined;
  }

  list<R, P extends object>(q: Query<R, P>, params: P): R[] {
    const c = q.compileFor(this.db);
    return this.pg.query(c.sql, bind(c, params)).rows as R[];
  }

  exec<P extends object>(q: Query<unknown, P>, params: P): number {
    const c = q.compileFor(this.db);
    return this.pg.query(c.sql, bind(c, params)).rowCount;
  }

  all<R>(query: Compilable<R>): R[] {
    const c = query.compile();
    return this.pg.query(c.sql, c.parameters).rows as R[];
  }

  first<R>(query: Compilable<R>): R | undefined {
    return this.all(query)[0];
  }

  run(query: Compilable<unknown>): number {
    const c = query.compile();
    return this.pg.query(c.sql, c.parameters).rowCount;
  }

  tx<T>(fn: () => T): T {
    this.pg.query('BEGIN');
    try {
      const r = fn();
      this.pg.query('COMMIT');
      return r;
    } catch (err) {
      this.pg.query('ROLLBACK');
      throw err;
    }
  }

  drive<T>(work: Work<T>): T {
    let r = work.next();
    while (!r.done) {
      const s: Step = r.value;
      let v: unknown;
      try {
        v = s.op === 'get' ? this.get(s.q, s.p) : s.op === 'list' ? this.list(s.q, s.p) : s.op === 'exec' ? this.exec(s.q, s.p)
          : s.op === 'all' ? this.all(s.c) : s.op === 'first' ? this.first(s.c) : s.op === 'run' ? this.run(s.c) : 'postgres';
      } catch (err) {
        r = work.throw(err);
        continue;
      }
      r = work.next(v);
    }
    return r.value;
  }

  close(): void {
    this.pg.close();
    this.onClose();
  }
}

export interface PgStatement {
  get(...values: unknown[]): unknown;
  all(...values: unknown[]): unknown[];
  run(...values: unknown[]): { changes: number };
}

/**
 * A Runner whose work runs at once on the synchronous test connection (as SQLite's does), so a
 * test's setup through a repository (the demo seed) has committed when the call returns.
 */
export class SyncRunner implements Runner {
  readonly engine = 'postgres' as const;
  constructor(private readonly t: PgTestDb) {}

  get k(): Kysely<DB> {
    return this.t.db;
  }

  read<T>(work: Work<T>): Promise<T> {
    try {
      return Promise.resolve(this.t.drive(work));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  tx<T>(work: Work<T>): Promise<T> {
    try {
      return Promise.resolve(this.t.tx(() => this.t.drive(work)));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  hot<T>(work: () => Work<T>): Promise<T> {
    return this.tx(work());
  }

  pages(_statement: Query<unknown, Keyset>): AsyncIterable<unknown[][]> {
    throw new Error('the synchronous test connection does not page exports');
  }

}
