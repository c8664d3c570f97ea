/**
 * The live rally screen over real HTTP: the display link, the numbers (test numbers excluded,
 * "tonight" windows, re-pledges not doubled), server-sent events after each signed webhook, no
 * PII in the page or the stream, link rotation, and the goal set through the API.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import request from 'supertest';
import { ensureDisplay } from '../../src/usecases/live/screens';
import { admin, testApp, text, type TestApp } from '../helpers/app';
import { browser, signIn } from '../helpers/console';
import { SseClient } from '../helpers/sse';

let t: TestApp;
let server: Server;
let base: string;
let campaignId: string;
let token: string;
const clients: SseClient[] = [];

beforeEach(async () => {
  t = testApp();
  server = createServer(t.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  campaignId = (t.ctx.db.sqlite.prepare('SELECT id FROM campaigns').get() as { id: string }).id;
  token = (await ensureDisplay(t.ctx.store, campaignId, t.clock.now())).token;
});
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  t.ctx.live.close();
  await new Promise((r) => server.close(r));
  t.close();
});

async function stream(tok = token): Promise<SseClient> {
  const { client, status } = await SseClient.open(`${base}/live/${tok}/events`);
  expect(status).toBe(200);
  clients.push(client);
  return client;
}

interface Stats {
  joined: number;
  completed: number;
  pledgedCents: number;
  goalCents: number;
  since: string;
}

describe('the display link', () => {
  it('the campaign page shows a display link that opens the screen without signing in', async () => {
    const s = await signIn(t.app);
    const page = await browser(t.app, s).get(`/campaigns/${campaignId}`);
    const link = /<input id="live-link" type="text" readonly value="([^"]+)"/.exec(page.text)![1]!;
    expect(link).toBe(`https://sms.rally.example/live/${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const screen = await request(t.app).get(`/live/${token}`);
    expect(screen.status).toBe(200);
    expect(screen.text).toContain('Text <strong>JOIN</strong> to <strong>62262</strong>');
    expect(screen.text).toContain('<span class="num" id="joined">0</span>');
    expect(screen.text).toContain('<span id="goal">$5,000</span>');
    expect(screen.headers['referrer-policy']).toBe('same-origin');
  });

  it.each(['nope', 'A'.repeat(32), '../campaigns', `${'x'.repeat(100)}`])('an unknown or malformed token (%s) is a 404', async (bad) => {
    expect((await request(t.app).get(`/live/${encodeURIComponent(bad)}`)).status).toBe(404);
    expect((await request(t.app).get(`/live/${encodeURIComponent(bad)}/events`)).status).toBe(404);
  });
});

describe('server-sent events', () => {
  it('sends the numbers on connect and again after each signed webhook', async () => {
    const sse = await stream();
    await sse.waitFor<Stats>((d) => d.joined === 0 && d.goalCents === 500_000);
    expect(sse.raw).toMatch(/^retry: 3000\n\n/);

    await text(t.app, '+13125550100', 'JOIN');
    await sse.waitFor<Stats>((d) => d.joined === 1 && d.completed === 0);
    for (const body of ['Amy', '60601', '$25']) await text(t.app, '+13125550100', body);
    await sse.waitFor<Stats>((d) => d.pledgedCents === 2500);
    await text(t.app, '+13125550100', 'SKIP');
    const done = await sse.waitFor<Stats>((d) => d.completed === 1);
    expect(done).toEqual({ joined: 1, completed: 1, pledgedCents: 2500, paidCents: 0, goalCents: 500_000, since: expect.any(String) });
  });

  it('a replayed webhook changes nothing and sends nothing new', async () => {
    const sse = await stream();
    await sse.waitFor<Stats>(() => true);
    await text(t.app, '+13125550100', 'JOIN');
    await sse.waitFor<Stats>((d) => d.joined === 1);
    const before = sse.events.length;
    const computations = t.ctx.live.computations;
    // A duplicate MessageSid: the hub is not even notified.
    const { signedPost } = await import('../helpers/app');
    const { inboundParams } = await import('../../src/twilio/rehearse');
    const params = inboundParams('+13125550101', '62262', 'JOIN', { MessageSid: `SM${'a'.repeat(32)}` });
    await signedPost(t.app, '/twilio/sms', params);
    await sse.waitFor<Stats>((d) => d.joined === 2, 5000, before);
    const afterFirst = t.ctx.live.computations;
    await signedPost(t.app, '/twilio/sms', params);
    expect(t.ctx.live.computations).toBe(afterFirst);
    expect(afterFirst).toBeGreaterThan(computations);
  });

  it('the goal set through the API reaches the screen', async () => {
    const sse = await stream();
    await sse.waitFor<Stats>(() => true);
    await admin(t.app).put(`/api/campaigns/${campaignId}/goal`, { goalCents: 1_234_500 });
    await sse.waitFor<Stats>((d) => d.goalCents === 1_234_500);
  });

  it('re-pledging replaces the earlier pledge; test numbers and other campaigns never count', async () => {
    for (const body of ['JOIN', 'Amy', '60601', '10']) await text(t.app, '+13125550100', body);
    for (const body of ['JOIN', 'Amy', '60601', '40']) await text(t.app, '+13125550100', body);
    t.ctx.db.sqlite.prepare("UPDATE contacts SET is_test = 1 WHERE phone = '+13125550100'").run();
    for (const body of ['JOIN', 'Bo', '60601', '15']) await text(t.app, '+13125550102', body);
    const sse = await stream();
    const d = await sse.waitFor<Stats>(() => true);
    expect(d).toMatchObject({ joined: 1, pledgedCents: 1500 });
    t.ctx.db.sqlite.prepare("UPDATE contacts SET is_test = 0 WHERE phone = '+13125550100'").run();
    const page = await request(t.app).get(`/live/${token}`);
    expect(page.text).toContain('<span class="num" id="pledged">$55</span>');
  });

  it('"start tonight\'s count now" starts every number from zero; later texts count', async () => {
    await text(t.app, '+13125550100', 'JOIN');
    const s = await signIn(t.app);
    t.clock.advance(60_000);
    await browser(t.app, s).post(`/campaigns/${campaignId}/live`, { op: 'count-now' });
    const sse = await stream();
    await sse.waitFor<Stats>((d) => d.joined === 0);
    await text(t.app, '+13125550101', 'JOIN');
    await sse.waitFor<Stats>((d) => d.joined === 1);
    // Back to the rolling 12 hours: both count.
    await browser(t.app, s).post(`/campaigns/${campaignId}/live`, { op: 'rolling' });
    await sse.waitFor<Stats>((d) => d.joined === 2);
    // And a join 13 hours ago is outside "tonight".
    t.clock.advance(13 * 3_600_000);
    const late = await stream();
    await late.waitFor<Stats>((d) => d.joined === 0);
  });

  it('replacing the display link ends open screens and the old link stops working', async () => {
    const s = await signIn(t.app);
    const sse = await stream();
    await sse.waitFor<Stats>(() => true);
    const res = await browser(t.app, s).post(`/campaigns/${campaignId}/live`, { op: 'rotate' });
    expect(res.status).toBe(303);
    await sse.waitClosed();
    expect((await request(t.app).get(`/live/${token}`)).status).toBe(404);
    const fresh = (await ensureDisplay(t.ctx.store, campaignId, t.clock.now())).token;
    expect(fresh).not.toBe(token);
    expect((await request(t.app).get(`/live/${fresh}`)).status).toBe(200);
  });
});

describe('no personal data on the live screen', () => {
  it('a known name, number and email texted in never appear in the page or the event stream', async () => {
    const sse = await stream();
    const phone = '+13125550177';
    for (const body of ['JOIN', 'Zebulon', '60614', '$37', 'zebulon.q@example.org']) await text(t.app, phone, body);
    const d = await sse.waitFor<Stats>((x) => x.completed === 1 && x.pledgedCents === 3700);
    expect(Object.keys(d).sort()).toEqual(['completed', 'goalCents', 'joined', 'paidCents', 'pledgedCents', 'since']);
    const page = (await request(t.app).get(`/live/${token}`)).text;
    for (const haystack of [page, sse.raw]) {
      for (const needle of ['Zebulon', 'zebulon', '13125550177', '3125550177', '555-0177', '5550177', 'example.org', '60614']) {
        expect(haystack).not.toContain(needle);
      }
    }
    expect(page).toContain('$37');
  });
});
