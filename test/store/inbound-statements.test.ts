/**
 * The statements one text runs (SQLite), turn by turn of the demo conversation, through the real
 * listener. A rally's cost is mostly these statements (issue 10: bench:rally must not get slower),
 * so the list is pinned here: a new statement on the hot path has to be added to it on purpose,
 * and the ones the store skips stay skipped. What it shows today:
 * - a number's first text looks for no conversation (nothing can reference its fresh id);
 * - the outbox gate reads the contact's status once per text, however many replies it has;
 * - an answer that changes nothing about status or email writes the contact once, with neither;
 * - only the completion reaches the referrals (its code).
 * Statements are read from better-sqlite3 itself (every prepared statement's get, all and run),
 * so nothing of the store is mocked; the group commit's SAVEPOINT/RELEASE/COMMIT are left out.
 */
import Database from 'better-sqlite3';
import { enqueueOutboundAllWork, type OutboundDraft } from '../../src/store/outbox/gate';
import { TEST_ENGINE, testApp, text, type TestApp } from '../helpers/app';

const sqliteOnly = TEST_ENGINE === 'postgres' ? describe.skip : describe;

/** A statement as "verb table" (a select's first FROM, a subquery's if it comes first): `select contacts`, `insert outbound_messages`. */
function shape(sql: string): string {
  const s = sql.trim();
  const table = (re: RegExp) => re.exec(s)?.[1] ?? '?';
  if (/^select/i.test(s)) return `select ${table(/\bfrom\s+"?(\w+)"?/i)}`;
  if (/^insert/i.test(s)) return `insert ${table(/^insert\s+into\s+"?(\w+)"?/i)}`;
  if (/^update/i.test(s)) return `update ${table(/^update\s+"?(\w+)"?/i)}`;
  if (/^delete/i.test(s)) return `delete ${table(/^delete\s+from\s+"?(\w+)"?/i)}`;
  return s.split(/\s/)[0]!.toUpperCase();
}

const GROUP_COMMIT = new Set(['BEGIN', 'SAVEPOINT', 'RELEASE', 'COMMIT', 'ROLLBACK']);

sqliteOnly('the statements of one text', () => {
  let t: TestApp;
  const seen: string[] = [];
  let recording = false;
  const proto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
  const originals = new Map<string, (...a: unknown[]) => unknown>();

  beforeAll(() => {
    for (const m of ['get', 'all', 'run', 'iterate']) {
      const original = proto[m]!;
      originals.set(m, original);
      proto[m] = function (this: { source: string }, ...args: unknown[]) {
        if (recording) seen.push(this.source);
        return original.apply(this, args);
      };
    }
    t = testApp({ SEED_DEMO: 'true' });
  });
  afterAll(() => {
    for (const [m, original] of originals) proto[m] = original;
    t.close();
  });

  async function statements(from: string, body: string): Promise<{ replies: string[]; run: string[] }> {
    seen.length = 0;
    recording = true;
    const replies = await text(t.app, from, body);
    recording = false;
    return { replies, run: seen.map(shape).filter((s) => !GROUP_COMMIT.has(s)) };
  }

  test('each turn of the sign-up runs exactly these', async () => {
    // Warm: the registry, prepared statements, and a crowd ahead of this number.
    for (let i = 0; i < 5; i++) await text(t.app, `+1312555${String(3000 + i)}`, 'JOIN');
    const phone = '+13125553999';

    const join = await statements(phone, 'JOIN');
    expect(join.replies[0]).toMatch(/first name/);
    expect(join.run).toEqual([
      'select inbound_messages', // the MessageSid seen before? (a replay answers as the first time)
      'select contacts', // the number's contact: none yet, so no conversation is looked for
      'insert contacts',
      'insert inbound_messages',
      'insert conversations',
      'insert consent_events',
      'insert campaign_members',
      'select contacts', // the outbox gate's status read
      'insert outbound_messages',
    ]);

    const answer = [
      'select inbound_messages', 'select contacts', 'select conversations', 'update contacts', 'insert inbound_messages', 'update conversations',
      'select contacts', 'insert outbound_messages',
    ];
    const name = await statements(phone, 'Maya');
    expect(name.replies[0]).toMatch(/ZIP/);
    expect(name.run).toEqual(answer);
    const zip = await statements(phone, '60614');
    expect(zip.replies[0]).toMatch(/chip in/i);
    expect(zip.run).toEqual(answer);

    const pledge = await statements(phone, '10');
    expect(pledge.replies[0]).toMatch(/email/i);
    expect(pledge.run).toEqual([
      'select inbound_messages', 'select contacts', 'select conversations', 'update contacts', 'insert inbound_messages', 'update conversations',
      'insert pledges', 'select contacts', 'insert outbound_messages',
    ]);

    const email = await statements(phone, 'maya@example.org');
    expect(email.replies[0]).toMatch(/You're in, Maya/);
    expect(email.run).toEqual([
      'select inbound_messages', 'select contacts', 'select conversations', 'update contacts', 'insert inbound_messages', 'update conversations',
      'insert campaign_members',
      'select referrals', // the referral state: the supporter's row, a code's owner, the proposed code (one statement)
      'insert referrals',
      'select contacts', 'insert outbound_messages',
    ]);
  });

  test('the gate reads the status once for several texts to one contact, and judges each by its purpose', async () => {
    const phone = '+13125553998';
    await text(t.app, phone, 'JOIN');
    await text(t.app, phone, 'STOP');
    const { id } = t.ctx.db.sqlite.prepare('SELECT id FROM contacts WHERE phone = ?').get(phone) as { id: string };
    const draft = (purpose: OutboundDraft['purpose'], body: string, position: number): OutboundDraft => ({
      contactId: id, campaignId: null, inboundId: null, position, kind: 'reply', purpose, body, delivery: 'twiml',
    });
    const now = t.clock.now().toISOString();
    seen.length = 0;
    recording = true;
    const out = t.ctx.db.tx(() =>
      t.ctx.db.drive(enqueueOutboundAllWork([draft('opt_out_confirmation', 'You are unsubscribed.', 0), draft('reply', 'Thanks!', 1)], t.ctx.newId, now)),
    );
    recording = false;
    expect(out.map((o) => o.accepted)).toEqual([true, false]);
    expect(seen.map(shape).filter((s) => !GROUP_COMMIT.has(s))).toEqual(['select contacts', 'insert outbound_messages', 'insert outbound_messages']);
    const rows = t.ctx.db.sqlite.prepare('SELECT body, status FROM outbound_messages WHERE id IN (?, ?) ORDER BY position').all(out[0]!.id, out[1]!.id);
    expect(rows).toEqual([{ body: 'You are unsubscribed.', status: 'twiml' }, { body: 'Thanks!', status: 'suppressed' }]);

    // A draft for another contact is refused before anything is read or written.
    const before = (t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM outbound_messages').get() as { n: number }).n;
    expect(() =>
      t.ctx.db.tx(() => t.ctx.db.drive(enqueueOutboundAllWork([draft('reply', 'a', 0), { ...draft('reply', 'b', 1), contactId: 'someone-else' }], t.ctx.newId, now))),
    ).toThrow(/every draft must be for the contact/);
    expect((t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM outbound_messages').get() as { n: number }).n).toBe(before);
  });
});
