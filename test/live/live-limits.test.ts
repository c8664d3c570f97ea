/**
 * Live-screen connection limits over real HTTP (event streams on a listening server): one client
 * address, one display link and the whole hub each have a cap, and a display link that is full
 * leaves room for every other campaign's screens. Small limits are injected so the test stays
 * cheap; the default numbers are exercised in hub.test.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { DEMO_FLOW } from '../../src/core/flow';
import { LiveHub } from '../../src/usecases/live/hub';
import { ensureDisplay } from '../../src/usecases/live/screens';
import { statsNow } from '../../src/usecases/live/stats';
import { admin, testApp, type TestApp } from '../helpers/app';
import { SseClient } from '../helpers/sse';

let t: TestApp;
let server: Server;
let base: string;
let rally: string;
let canvass: string;
const clients: SseClient[] = [];

beforeEach(async () => {
  // Behind a trusted proxy, so X-Forwarded-For tells the test's clients apart.
  t = testApp({ TRUST_PROXY: 'loopback' });
  t.ctx.live.close();
  t.ctx.live = new LiveHub((id) => statsNow(t.ctx.store, id, t.clock.now()), t.ctx.logger, { maxListeners: 12, maxPerDisplay: 6, maxPerClient: 4 });
  server = createServer(t.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const first = (t.ctx.db.sqlite.prepare('SELECT id FROM campaigns').get() as { id: string }).id;
  rally = (await ensureDisplay(t.ctx.store, first, t.clock.now())).token;
  const created = await admin(t.app).post('/api/campaigns', {
    name: 'Canvass', programName: 'Team Doors', sender: '62262', supportContact: 'doors@example.org', keywords: [{ word: 'DOORS' }], flow: DEMO_FLOW,
  });
  expect(created.status).toBe(201);
  canvass = (await ensureDisplay(t.ctx.store, created.body.id, t.clock.now())).token;
});
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  t.ctx.live.close();
  await new Promise((r) => server.close(r));
  t.close();
});

async function open(token: string, from: string) {
  const r = await SseClient.open(`${base}/live/${token}/events`, { 'X-Forwarded-For': from });
  clients.push(r.client);
  return r;
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

test("one client's screens are capped (429); a full display link is 503; other campaigns still connect", async () => {
  for (let i = 0; i < 4; i++) expect((await open(rally, '203.0.113.7')).status).toBe(200);
  const extra = await open(rally, '203.0.113.7');
  expect({ status: extra.status, retryAfter: extra.retryAfter }).toEqual({ status: 429, retryAfter: '30' });
  for (let i = 0; i < 2; i++) expect((await open(rally, '198.51.100.2')).status).toBe(200);
  const full = await open(rally, '198.51.100.3');
  expect({ status: full.status, retryAfter: full.retryAfter }).toEqual({ status: 503, retryAfter: '30' });
  // The other campaign's screen is unaffected by everything above.
  const other = await open(canvass, '198.51.100.3');
  expect(other.status).toBe(200);
  await other.client.waitFor(() => true);
  expect(t.ctx.live.listeners).toBe(7);
  // Closing a screen frees its place at once.
  clients[0]!.close();
  await until(() => t.ctx.live.listeners === 6);
  expect((await open(rally, '198.51.100.3')).status).toBe(200);
  expect(t.logs.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
});
