/**
 * How exports stream: keyset pages cover every row exactly once; a consumer that stops reading
 * stops the queries (backpressure: memory bounded by the stream buffer, not the row count);
 * other requests are answered between pages; a client that hangs up is recorded as aborted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { SqliteDb } from '../../src/store/sqlite/db';
import { CONTACT_COLUMNS } from '../../src/usecases/exports/columns';
import { CsvExportStream, type RowSource } from '../../src/usecases/exports/csv';
import { ADMIN_TOKEN, admin, testApp, type TestApp, TEST_ENGINE } from '../helpers/app';
import { readCsv } from '../helpers/csv';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

function seed(store: SqliteDb, n: number): void {
  const insert = store.sqlite.prepare(
    "INSERT INTO contacts (id, phone, first_name, status, created_at, updated_at) VALUES (?, ?, ?, 'subscribed', '2026-11-21T19:00:00.000Z', '2026-11-21T19:00:00.000Z')",
  );
  store.tx(() => {
    for (let i = 0; i < n; i++) insert.run(`c${i}`, `+1312${String(5_000_000 + i).padStart(7, '0')}`, `Person ${i}`);
  });
}

/** contacts.csv's rows straight from the store's exports repository. */
function contacts(): RowSource {
  return { columns: CONTACT_COLUMNS, pages: (size) => t.ctx.store.exports.contacts({}, size) };
}

/** Count the pages a source is asked for (the store asks for the size of each page it reads). */
function counted(source: RowSource): RowSource & { fetches: number } {
  const c = {
    columns: source.columns,
    fetches: 0,
    pages(size: () => number) {
      return source.pages(() => {
        c.fetches++;
        return size();
      });
    },
  };
  return c;
}

/** Let pending setImmediate/I/O callbacks run (waiting for events, not for time). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

test('keyset pages return every row exactly once, in order, across page boundaries and gaps', async () => {
  seed(t.ctx.db, 50);
  t.ctx.db.sqlite.prepare("DELETE FROM contacts WHERE id IN ('c6', 'c7', 'c20', 'c49')").run();
  const stream = new CsvExportStream(contacts(), { pageRows: 7 });
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  const names = readCsv(text).rows.map((r) => r.first_name);
  const expected = Array.from({ length: 50 }, (_, i) => i).filter((i) => ![6, 7, 20, 49].includes(i)).map((i) => `Person ${i}`);
  expect(names).toEqual(expected);
  expect(stream.rows).toBe(46);
});

// Counts event-loop turns for a store that answers within them (SQLite); a networked engine's
// pages take I/O, so on PostgreSQL the same backpressure is covered by the destroyed-stream test.
const turnCounted = TEST_ENGINE === 'postgres' ? test.skip : test;

turnCounted('a consumer that stops reading stops the queries; resuming delivers the rest', async () => {
  seed(t.ctx.db, 10_000);
  const source = counted(contacts());
  const stream = new CsvExportStream(source, { pageRows: 500 });
  let release: (() => void) | null = null;
  let received = 0;
  const sink = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, done) {
      received += chunk.length;
      if (release === null) release = done; // hold the first write: the consumer is stuck
      else done();
    },
  });
  const finished = new Promise((resolve, reject) => sink.on('finish', resolve).on('error', reject));
  stream.pipe(sink);
  await turns(200);
  const pagesWhilePaused = source.fetches;
  // 20 pages exist; only what fits in the stream's 256 KB buffer was read (each page is ~30 KB).
  expect(pagesWhilePaused).toBeGreaterThan(0);
  expect(pagesWhilePaused).toBeLessThanOrEqual(11);
  await turns(200);
  expect(source.fetches).toBe(pagesWhilePaused);

  (release as unknown as () => void)();
  await finished;
  expect(stream.rows).toBe(10_000);
  expect(source.fetches).toBe(21); // 20 full pages, then an empty one ends the stream
  expect(received).toBeGreaterThan(10_000 * 30);
});

test('with a turn budget, pages shrink or grow toward it from the measured cost per row', async () => {
  let clock = 0;
  let msPerRow = 0.05; // 10 ms budget → 200 rows per page
  const limits: number[] = [];
  const total = 30_000;
  const source: RowSource = {
    columns: [{ name: 'n', kind: 'data' }],
    async *pages(size) {
      for (let from = 0; ; ) {
        const limit = size();
        limits.push(limit);
        const to = Math.min(total, from + limit);
        clock += (to - from) * msPerRow;
        if (limits.length === 8) msPerRow = 0.0005; // the rows get 100x cheaper: pages grow, at most doubling
        if (to === from) return;
        yield Array.from({ length: to - from }, (_, i) => [String(from + i)]);
        if (to - from < limit) return;
        from = to;
      }
    },
  };
  const stream = new CsvExportStream(source, { pageRows: 1000, turnBudgetMs: 10, now: () => clock });
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  expect(limits.slice(0, 8)).toEqual([1000, 500, 250, 200, 200, 200, 200, 200]);
  expect(limits.slice(8)).toEqual([200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
  expect(readCsv(text).rows.map((r) => Number(r.n))).toEqual(Array.from({ length: total }, (_, i) => i));
});

test('a stream destroyed mid-export ends the store\'s page iteration (no reads are left pending)', async () => {
  seed(t.ctx.db, 3000);
  let pages = 0;
  let ended = false;
  const source: RowSource = {
    columns: CONTACT_COLUMNS,
    async *pages(size) {
      try {
        for await (const page of t.ctx.store.exports.contacts({}, size)) {
          pages++;
          yield page;
        }
      } finally {
        ended = true;
      }
    },
  };
  const stream = new CsvExportStream(source, { pageRows: 100 });
  await new Promise<void>((resolve) => stream.once('data', () => resolve()));
  stream.destroy();
  await turns(20);
  expect(ended).toBe(true);
  expect(pages).toBeLessThan(30);
});

describe('over a real loopback server', () => {
  let server: http.Server;
  let base: string;
  beforeEach(async () => {
    server = http.createServer(t.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const get = (path: string) =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get(`${base}${path}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } }, resolve).on('error', reject);
    });

  test('other requests are answered while an export is still being written', async () => {
    seed(t.ctx.db, 20_000);
    const exportRes = await get('/api/exports/contacts.csv');
    const events: string[] = [];
    const ended = new Promise<void>((resolve) => {
      exportRes.on('data', () => undefined);
      exportRes.on('end', () => {
        events.push('export finished');
        resolve();
      });
    });
    const health = await get('/healthz');
    health.resume();
    events.push(`healthz ${health.statusCode}`);
    await ended;
    expect(events).toEqual(['healthz 200', 'export finished']);
  });

  test('a client that hangs up mid-export is audited as aborted with the rows sent so far', async () => {
    seed(t.ctx.db, 20_000);
    const res = await get('/api/exports/contacts.csv');
    const exportId = res.headers['x-export-id'];
    await new Promise<void>((resolve) => res.once('data', () => resolve()));
    res.destroy();
    let row: { outcome: string; rowCount: number } | undefined;
    for (let i = 0; i < 2000 && row?.outcome !== 'aborted'; i++) {
      await turns(1);
      row = ((await admin(t.app).get('/api/exports/audit')).body.exports as { id: string; outcome: string; rowCount: number }[]).find(
        (e) => e.id === exportId,
      );
    }
    expect(row?.outcome).toBe('aborted');
    expect(row!.rowCount).toBeGreaterThan(0);
    expect(row!.rowCount).toBeLessThan(20_000);
  });
});
