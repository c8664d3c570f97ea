/**
 * Bad input on issue 14's public and payment routes is a precise 4xx, never a 500 (seeded): random
 * JSON at the donations webhook (with and without its credentials), random CSV text at the
 * contributions import, random codes at /l/<code>. Nothing bad leaves a row.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { ADMIN_TOKEN, testApp, type TestApp } from '../helpers/app';

let t: TestApp;
const SECRET = 'fuzz-hmac-secret-0123456789';
beforeAll(() => {
  t = testApp({ DONATIONS_WEBHOOK_USER: 'u', DONATIONS_WEBHOOK_PASSWORD: 'webhook-password-123', DONATIONS_WEBHOOK_SECRET: SECRET });
});
afterAll(() => t.close());

const basic = `Basic ${Buffer.from('u:webhook-password-123').toString('base64')}`;

test('random JSON at the donations webhook never gives a 5xx; without credentials always a 401 and nothing stored', async () => {
  await fc.assert(
    fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), async (body, authed) => {
      let r = request(t.app).post('/webhooks/donations').set('Content-Type', 'application/json');
      if (authed) r = r.set('Authorization', basic);
      const res = await r.send(JSON.stringify(body));
      expect(res.status).toBeLessThan(500);
      if (!authed) expect(res.status).toBe(401);
    }),
    { numRuns: 300, seed: 20261207 },
  );
  // Shaped like a donation, unauthenticated: 401.
  const res = await request(t.app).post('/webhooks/donations').set('Content-Type', 'application/json').send('{"contributionId":"1","amount":5}');
  expect(res.status).toBe(401);
  expect(t.ctx.db.sqlite.prepare("SELECT count(*) AS n FROM donations WHERE contribution_id = '1'").get()).toEqual({ n: 0 });
  expect((await request(t.app).post('/webhooks/donations').set('Authorization', basic).set('Content-Type', 'text/plain').send('x')).status).toBe(415);
});

test('random CSV at the contributions import never gives a 5xx', async () => {
  const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('$10.00', '(5.00)', '-3', '1,000', '2026-11-21', 'rtabc', '+13125550100', 'x@y.org', ''));
  const header = fc.shuffledSubarray(['Lineitem ID', 'Receipt ID', 'Amount', 'Date', 'Reference Code', 'Donor Email', 'Donor Phone', 'Refund ID', 'Other'], { minLength: 1 });
  await fc.assert(
    fc.asyncProperty(header, fc.array(fc.array(cell, { maxLength: 10 }), { maxLength: 6 }), fc.boolean(), async (h, rows, dry) => {
      const csv = [h.join(','), ...rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(','))].join('\n');
      const res = await request(t.app).post(`/api/imports/donations${dry ? '?dry_run=1' : ''}`)
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`).set('Content-Type', 'text/csv').send(csv);
      expect(res.status).toBeLessThan(500);
    }),
    { numRuns: 150, seed: 20261207 },
  );
});

test('random codes at /l/<code> are 404s', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 50 }), async (code) => {
      const res = await request(t.app).get(`/l/${encodeURIComponent(code)}`);
      expect([404, 400]).toContain(res.status);
    }),
    { numRuns: 150, seed: 20261207 },
  );
});

test('random bodies and signatures at the HMAC-signed webhook: never a 5xx; only the right signature gets past 401', async () => {
  const donations = () => Number((t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM donations').get() as { n: number | string }).n);
  const before = donations();
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 60 })),
      fc.oneof(fc.constant('right'), fc.constant('other-secret'), fc.string({ maxLength: 80 }).filter((x) => /^[\x20-\x7e]*$/.test(x)), fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256=${h}`)),
      async (raw, how) => {
        const right = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
        const header = how === 'right' ? right : how === 'other-secret' ? `sha256=${createHmac('sha256', 'other-secret-000000').update(raw).digest('hex')}` : how;
        const res = await request(t.app).post('/webhooks/donations').set('Content-Type', 'application/json').set('X-Signature', header).send(raw);
        expect(res.status).toBeLessThan(500);
        if (header !== right) expect(res.status).toBe(401);
      },
    ),
    { numRuns: 300, seed: 20261207 },
  );
  // Nothing random matched a pledge here (there are none): unmatched payments are stored only when signed right.
  expect(donations()).toBeGreaterThanOrEqual(before);
});
