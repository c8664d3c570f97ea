/**
 * Every hot-path statement of the inbound text finds its rows through an index, never a table
 * scan. A literal bound as a parameter silently defeats a partial index (conversations_waiting
 * is WHERE status = 'waiting'), turning one lookup per text into a scan of every conversation.
 */
import { INBOUND_QUERIES } from '../../src/store/inbound/sqlite';
import { THREAD_QUERIES } from '../../src/store/inbox/sqlite-threads';
import { openSqliteDb } from '../../src/store/sqlite/db';

const db = openSqliteDb('sqlite::memory:');
afterAll(() => db.close());

test.each(Object.keys(INBOUND_QUERIES))('%s uses an index', (name) => {
  const c = INBOUND_QUERIES[name as keyof typeof INBOUND_QUERIES].compileFor(db.db);
  const plan = (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...c.slots.map(() => null)) as { detail: string }[]).map((r) => r.detail);
  expect(plan.filter((d) => /^SCAN /.test(d))).toEqual([]);
});

test('the waiting conversation is found through the partial index', () => {
  const c = INBOUND_QUERIES.waiting.compileFor(db.db);
  const plan = (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...c.slots.map(() => null)) as { detail: string }[]).map((r) => r.detail);
  expect(plan.join(' ')).toMatch(/USING INDEX conversations_waiting/);
});

test.each(Object.keys(THREAD_QUERIES))('inbox thread upkeep (unclaimed texts only): %s uses an index', (name) => {
  const c = THREAD_QUERIES[name as keyof typeof THREAD_QUERIES].compileFor(db.db);
  const plan = (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...c.slots.map(() => null)) as { detail: string }[]).map((r) => r.detail);
  expect(plan.filter((d) => /^SCAN /.test(d))).toEqual([]);
});
