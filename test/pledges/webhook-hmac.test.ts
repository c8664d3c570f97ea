/**
 * The donations webhook's second way in: an HMAC-SHA256 secret (DONATIONS_WEBHOOK_SECRET), the
 * sender signing the raw body (`X-Signature: sha256=<hex>`), signed here with node:crypto as a
 * sender would. A bad or missing signature is a 401 and stores nothing; a good one reconciles the
 * pledge, idempotently; HTTP Basic keeps working beside it. Through the real listener.
 */
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { admin, testApp, text, type TestApp } from '../helpers/app';

const SECRET = 'hmac-secret-for-donations-0123';
const GIVE = {
  name: 'Monthly givers', programName: 'Rally Alerts', sender: '62262', keywords: [{ word: 'GIVE' }], supportContact: 'help@rally.example',
  donationUrl: 'https://secure.actblue.com/donate/rally?amount={{pledge_amount}}&refcode={{pledge_ref}}',
  flow: {
    steps: [{ id: 'pledge', prompt: 'How much a month?', capture: 'pledge', validate: { type: 'money' }, reprompt: 'An amount like 10?' }],
    completion: 'Thanks! {{donation_link}}',
  },
};

let t: TestApp | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const sign = (raw: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
const post = (raw: string, headers: Record<string, string>) => {
  let r = request(t!.app).post('/webhooks/donations').set('Content-Type', 'application/json');
  for (const [k, v] of Object.entries(headers)) r = r.set(k, v);
  return r.send(raw);
};
const stored = () => Number((t!.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM donations').get() as { n: number | string }).n);

async function pledger(phone: string): Promise<string> {
  expect((await admin(t!.app).post('/api/campaigns', GIVE)).status).toBe(201);
  await text(t!.app, phone, 'GIVE');
  await text(t!.app, phone, '10');
  return (t!.ctx.db.sqlite.prepare('SELECT p.ref FROM pledges p JOIN contacts c ON c.id = p.contact_id WHERE c.phone = ?').get(phone) as { ref: string }).ref;
}

test('a body signed with the secret reconciles the pledge; a bad, foreign or missing signature is a 401 and stores nothing', async () => {
  t = testApp({ DONATIONS_WEBHOOK_SECRET: SECRET });
  const ref = await pledger('+13125550181');
  const raw = JSON.stringify({ contributionId: 'H1', amount: '10.00', refcode: ref, paidAt: '2026-11-22T10:00:00Z' });

  for (const headers of [
    {} as Record<string, string>,
    { 'X-Signature': sign(raw, 'another-secret-entirely-000') },
    { 'X-Signature': sign(`${raw} `) },
    { 'X-Signature': 'sha256=zz' },
    { 'X-Signature': sign(raw).replace('sha256=', 'sha1=') },
    // Basic is not configured here: credentials do not stand in for the signature.
    { Authorization: `Basic ${Buffer.from('u:webhook-password-123').toString('base64')}`, 'X-Signature': sign(raw) },
  ]) {
    const res = await post(raw, headers);
    expect(res.status).toBe(401);
  }
  expect(stored()).toBe(0);

  const ok = await post(raw, { 'X-Signature': sign(raw).toUpperCase().replace('SHA256=', 'sha256=') });
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({ outcome: 'paid', matchedBy: 'refcode' });
  expect((await post(raw, { 'X-Signature': sign(raw) })).body).toEqual({ outcome: 'duplicate' });
  expect(stored()).toBe(1);

  // The signature is over the bytes received: the same object serialised differently needs its own.
  const spaced = JSON.stringify(JSON.parse(raw), null, 2);
  expect((await post(spaced, { 'X-Signature': sign(raw) })).status).toBe(401);
  // Signed but not JSON: a 400 after the signature, nothing stored.
  expect((await post('{"contributionId":', { 'X-Signature': sign('{"contributionId":') })).status).toBe(400);
  expect(stored()).toBe(1);
});

test('with both configured either way in works; a wrong password is a 401 even with a good signature', async () => {
  t = testApp({ DONATIONS_WEBHOOK_SECRET: SECRET, DONATIONS_WEBHOOK_USER: 'actblue', DONATIONS_WEBHOOK_PASSWORD: 'webhook-password-123' });
  await pledger('+13125550182');
  const basic = (pw: string) => `Basic ${Buffer.from(`actblue:${pw}`).toString('base64')}`;
  const a = JSON.stringify({ contributionId: 'B1', amount: 10, phone: '+13125550182' });
  expect((await post(a, { Authorization: basic('webhook-password-123') })).body.outcome).toBe('paid');
  const b = JSON.stringify({ contributionId: 'S1', amount: 5, phone: '+13125550182' });
  expect((await post(b, { 'X-Signature': sign(b) })).body.outcome).toBe('paid');
  const c = JSON.stringify({ contributionId: 'X1', amount: 5, phone: '+13125550182' });
  const wrong = await post(c, { Authorization: basic('not-the-password!!'), 'X-Signature': sign(c) });
  expect(wrong.status).toBe(401);
  expect(wrong.headers['www-authenticate']).toBe('Basic realm="rallytext donations"');
  expect(stored()).toBe(2);
});

test('the secret is checked when the configuration is read: too short is refused by name', () => {
  expect(() => testApp({ DONATIONS_WEBHOOK_SECRET: 'short' })).toThrow(/DONATIONS_WEBHOOK_SECRET/);
});
