/**
 * Every hot-path statement of the inbound text finds its rows through an index, never a table
 * scan. A literal bound as a parameter silently defeats a partial index (conversations_waiting
 * is WHERE status = 'waiting'), turning one lookup per text into a scan of every conversation.
 */
import { INBOUND_QUERIES } from '../../src/store/inbound/shared';
import { REPLY_QUERIES } from '../../src/store/outbox/replies';
import { THREAD_QUERIES } from '../../src/store/inbox/threads';
import { VOTING_QUERIES } from '../../src/store/polls/inbound';
import { REFERRAL_QUERIES } from '../../src/store/referrals/inbound';
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

// The dispatcher's once-a-second housekeeping: a scan of outbound_messages there grows with
// every text ever sent (it cost ~10 ms a second at 100k texts before it was turned around).
test.each(['orphans', 'dueUnknown'] as const)('housekeeping read %s never scans the outbound messages', (name) => {
  const c = REPLY_QUERIES[name].compileFor(db.db);
  const plan = (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...c.slots.map(() => null)) as { detail: string }[]).map((r) => r.detail);
  expect(plan.filter((d) => /SCAN o\b|SCAN outbound_messages/.test(d))).toEqual([]);
  expect(plan.join(' ')).toMatch(/^SCAN l SEARCH o .*USING INDEX sqlite_autoindex_outbound_messages_1 \(id=\?\)/);
});

test.each(Object.keys(THREAD_QUERIES))('inbox thread upkeep (unclaimed texts only): %s uses an index', (name) => {
  const c = THREAD_QUERIES[name as keyof typeof THREAD_QUERIES].compileFor(db.db);
  const plan = (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...c.slots.map(() => null)) as { detail: string }[]).map((r) => r.detail);
  expect(plan.filter((d) => /^SCAN /.test(d))).toEqual([]);
});

// A live poll on rally night: every vote reads the phone's earlier vote and writes its own.
test.each(Object.keys(VOTING_QUERIES))('live voting (during an open poll or ideas window): %s uses an index', (name) => {
  const c = VOTING_QUERIES[name as keyof typeof VOTING_QUERIES].compileFor(db.db);
  const plan = (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...c.slots.map(() => null)) as { detail: string }[]).map((r) => r.detail);
  expect(plan.filter((d) => /^SCAN /.test(d))).toEqual([]);
});

// Referrals (issue 13): a completion, a KEYWORD CODE, PAGE / GOAL / SHOW, a team word.
test.each(Object.keys(REFERRAL_QUERIES))('referrals in the text\'s transaction: %s uses an index', (name) => {
  const c = REFERRAL_QUERIES[name as keyof typeof REFERRAL_QUERIES].compileFor(db.db);
  const plan = (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...c.slots.map(() => null)) as { detail: string }[]).map((r) => r.detail);
  expect(plan.filter((d) => /^SCAN /.test(d) && !/CONSTANT ROW/.test(d))).toEqual([]);
});
