/**
 * Which indexes one text's transaction rewrites (SQLite). SQLite maintains the entry of every
 * index over a column that an UPDATE's SET names, even when the value written is the one already
 * there: `SET status = 'subscribed'` on a subscribed contact deletes and re-inserts its entry in
 * contacts_status, `email = coalesce(?, email)` its entry in contacts_email_lower, and naming a
 * waiting conversation's status its entry in conversations_waiting. Those keys are random across
 * a rally's crowd, so each rewrite dirties an index page no other text of the batch shares, and
 * the group commit writes it to the WAL (issue 10: the conversations got dearer when
 * contacts_email_lower arrived; since 0013 it is partial, so a number without an email has no
 * entry at all and its JOIN writes none). Read here from the WAL itself: the b-tree of every page the
 * text's transaction wrote (dbstat), for each answer of the demo flow.
 */
import fs from 'node:fs';
import { TEST_ENGINE, testApp, text, type TestApp } from '../helpers/app';

const sqliteOnly = TEST_ENGINE === 'postgres' ? describe.skip : describe;

/** The page numbers of the frames in a WAL file (frame header: page number, big-endian, first). */
function walPages(file: string): number[] {
  const wal = fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0);
  if (wal.length < 32) return [];
  const pageSize = wal.readUInt32BE(8);
  const pages: number[] = [];
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) pages.push(wal.readUInt32BE(at));
  return pages;
}

sqliteOnly('one answer rewrites only the index entries it changes', () => {
  let t: TestApp;
  beforeAll(() => {
    t = testApp({ SEED_DEMO: 'true' });
  });
  afterAll(() => t.close());

  /** The names of the tables and indexes whose pages the text's transaction wrote. */
  async function btreesWritten(from: string, body: string): Promise<{ replies: string[]; written: Set<string> }> {
    // An empty WAL (nothing else writes in between: no dispatcher or checkpointer runs in testApp).
    t.ctx.db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const replies = await text(t.app, from, body);
    const owners = new Map(
      (t.ctx.db.sqlite.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]).map((r) => [r.pageno, r.name]),
    );
    return { replies, written: new Set(walPages(`${t.dbFile}-wal`).map((p) => owners.get(p) ?? `page ${p}`)) };
  }

  test('name, ZIP and pledge leave contacts_status, contacts_email_lower and conversations_waiting alone; the email writes its own entry', async () => {
    // A crowd first, so the indexes span many pages and an entry's page is its own.
    for (let i = 0; i < 40; i++) await text(t.app, `+1312555${String(2000 + i)}`, 'JOIN');
    const phone = '+13125551999';
    // A new number without an email has no entry in contacts_email_lower (partial since 0013).
    const join = await btreesWritten(phone, 'JOIN');
    expect(join.replies[0]).toMatch(/first name/);
    expect([...join.written]).toEqual(expect.arrayContaining(['contacts', 'conversations', 'inbound_messages']));
    expect(join.written).not.toContain('contacts_email_lower');

    const name = await btreesWritten(phone, 'Maya');
    expect(name.replies[0]).toMatch(/ZIP/);
    // The text did write: its contact, conversation and inbound row (the control).
    expect([...name.written]).toEqual(expect.arrayContaining(['contacts', 'conversations', 'inbound_messages']));
    for (const index of ['contacts_status', 'contacts_email_lower', 'conversations_waiting']) expect(name.written).not.toContain(index);

    const zip = await btreesWritten(phone, '60614');
    expect(zip.replies[0]).toMatch(/chip in/i);
    for (const index of ['contacts_status', 'contacts_email_lower', 'conversations_waiting']) expect(zip.written).not.toContain(index);

    const pledge = await btreesWritten(phone, '10');
    expect(pledge.replies[0]).toMatch(/email/i);
    for (const index of ['contacts_status', 'contacts_email_lower', 'conversations_waiting']) expect(pledge.written).not.toContain(index);

    // The email is new: its entry is written; the conversation completes and leaves the waiting index.
    const email = await btreesWritten(phone, 'maya@example.org');
    expect(email.replies[0]).toMatch(/You're in, Maya/);
    expect(email.written).toContain('contacts_email_lower');
    expect(email.written).toContain('conversations_waiting');
    expect(email.written).not.toContain('contacts_status');
    // Its referral code (issue 13): the row, its key's entry and its code's; since 0014 no referrals_contact.
    expect([...email.written].filter((n) => /referrals/.test(n)).sort()).toEqual(['referrals', 'referrals_code', 'sqlite_autoindex_referrals_1']);

    // The index holds the contacts that have an email, and only those (the crowd has none).
    const entries = t.ctx.db.sqlite.prepare("SELECT sum(ncell) AS n FROM dbstat WHERE name = 'contacts_email_lower'").get();
    expect(entries).toEqual(t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM contacts WHERE email IS NOT NULL').get());
    expect(entries).toEqual({ n: 1 });

    const row = t.ctx.db.sqlite.prepare('SELECT status, first_name, zip, email, opted_out_at FROM contacts WHERE phone = ?').get(phone);
    expect(row).toEqual({ status: 'subscribed', first_name: 'Maya', zip: '60614', email: 'maya@example.org', opted_out_at: null });
  });

  test('a status that moves is written with its opt-out time, and cleared on the way back', async () => {
    const phone = '+13125551998';
    await text(t.app, phone, 'JOIN');
    await text(t.app, phone, 'Ana');
    const stop = await btreesWritten(phone, 'STOP');
    expect(stop.written).toContain('contacts_status');
    const out = t.ctx.db.sqlite.prepare('SELECT status, first_name, opted_out_at FROM contacts WHERE phone = ?').get(phone) as Record<string, unknown>;
    expect(out).toMatchObject({ status: 'opted_out', first_name: 'Ana' });
    expect(out.opted_out_at).toEqual(expect.any(String));
    await text(t.app, phone, 'START');
    expect(t.ctx.db.sqlite.prepare('SELECT status, opted_out_at FROM contacts WHERE phone = ?').get(phone)).toEqual({ status: 'subscribed', opted_out_at: null });
  });
});
