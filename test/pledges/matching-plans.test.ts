/**
 * Reconciliation by email and a broadcast's per-recipient donation links find their rows through
 * an index (migration 0012): a webhook or CSV row with neither refcode nor phone used to scan every
 * contact (`lower(email) = ?` had no index), and a retried recipient's link was looked up among all
 * of the broadcast's links. SQLite's plans are read here; on both engines the indexes exist and a
 * payment matched by email (in any case) reconciles the pledge through the real listener.
 */
import request from 'supertest';
import { MATCH_QUERIES } from '../../src/store/pledges/shared';
import { DONATION_LINK } from '../../src/store/outbox/bulk';
import { openSqliteDb } from '../../src/store/sqlite/db';
import { admin, TEST_ENGINE, testApp, text } from '../helpers/app';

const plan = (db: ReturnType<typeof openSqliteDb>, q: { compileFor(k: unknown): { sql: string; slots: unknown[] } }) => {
  const c = q.compileFor(db.db);
  return (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...c.slots.map(() => null)) as { detail: string }[]).map((r) => r.detail);
};

test('matching a payment (refcode, phone, email) and a recipient\'s broadcast link never scans (SQLite plans)', () => {
  const db = openSqliteDb('sqlite::memory:');
  try {
    for (const q of [...Object.values(MATCH_QUERIES), DONATION_LINK.existing, DONATION_LINK.pledge]) {
      expect(plan(db, q as never).filter((d) => /^SCAN (c|contacts|tracked_links|pledges|p)\b/.test(d))).toEqual([]);
    }
    expect(plan(db, MATCH_QUERIES.byEmail as never).join(' ')).toMatch(/USING INDEX contacts_email_lower/);
    expect(plan(db, DONATION_LINK.existing as never).join(' ')).toMatch(/USING INDEX tracked_links_broadcast_contact \(broadcast_id=\? AND contact_id=\?\)/);
  } finally {
    db.close();
  }
});

test(`the indexes exist and a payment matched by email reconciles the pledge (${TEST_ENGINE})`, async () => {
  const t = testApp({ DONATIONS_WEBHOOK_USER: 'u', DONATIONS_WEBHOOK_PASSWORD: 'webhook-password-123' });
  try {
    const names = TEST_ENGINE === 'postgres'
      ? (t.ctx.db.sqlite.prepare('SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()').all() as { name: string }[])
      : (t.ctx.db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]);
    const set = new Set(names.map((r) => r.name));
    expect(set.has('contacts_email_lower')).toBe(true);
    expect(set.has('tracked_links_broadcast_contact')).toBe(true);
    expect(set.has('tracked_links_broadcast')).toBe(false);

    const campaign = {
      name: 'Givers', programName: 'Rally Alerts', sender: '62262', keywords: [{ word: 'GIVE' }], supportContact: 'help@rally.example',
      flow: {
        steps: [
          { id: 'pledge', prompt: 'How much a month?', capture: 'pledge', validate: { type: 'money' }, reprompt: 'An amount like 10?' },
          { id: 'email', prompt: 'Email?', capture: 'email', validate: { type: 'email' }, reprompt: 'An email?' },
        ],
        completion: 'Thanks!',
      },
    };
    expect((await admin(t.app).post('/api/campaigns', campaign)).status).toBe(201);
    await text(t.app, '+13125550191', 'GIVE');
    await text(t.app, '+13125550191', '15');
    await text(t.app, '+13125550191', 'Ana.Rally@Example.org');
    const res = await request(t.app).post('/webhooks/donations').set('Content-Type', 'application/json')
      .set('Authorization', `Basic ${Buffer.from('u:webhook-password-123').toString('base64')}`)
      .send({ contributionId: 'E1', amount: 15, email: 'ANA.RALLY@EXAMPLE.ORG' });
    expect(res.body).toMatchObject({ outcome: 'paid', matchedBy: 'email' });
  } finally {
    t.close();
  }
});
