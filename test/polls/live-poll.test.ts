/**
 * The live screen's poll over the real SSE stream: the question and a bar per option with counts
 * and percentages, updated after votes arrive (a burst of votes is one recomputation, not one per
 * vote), the final result once closed, the top ideas; never a phone number or a name.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import request from 'supertest';
import { ensureDisplay } from '../../src/usecases/live/screens';
import { admin, testApp, text, type TestApp } from '../helpers/app';
import { SseClient } from '../helpers/sse';

let t: TestApp;
let server: Server;
let base: string;
let campaignId: string;
let token: string;
let sse: SseClient;

beforeEach(async () => {
  t = testApp();
  server = createServer(t.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  campaignId = (t.ctx.db.sqlite.prepare('SELECT id FROM campaigns').get() as { id: string }).id;
  token = (await ensureDisplay(t.ctx.store, campaignId, t.clock.now())).token;
  sse = (await SseClient.open(`${base}/live/${token}/events`)).client;
});
afterEach(async () => {
  sse.close();
  t.ctx.live.close();
  await new Promise((r) => server.close(r));
  t.close();
});

interface Screen {
  poll?: { question: string; status: string; total: number; results: { label: string; votes: number; percent: number }[] };
  ideas?: { number: number; text: string; votes: number }[];
}

test('the poll appears when opened, its bars follow the votes (coalesced), and it shows the final result when closed', async () => {
  await sse.waitFor<Screen>((d) => d.poll === undefined);
  const id = (await admin(t.app).post('/api/polls', { campaignId, question: 'Which first?', options: [{ label: 'Health' }, { label: 'Jobs' }, { label: 'Climate' }] })).body.id;
  await admin(t.app).post(`/api/polls/${id}/open`);
  const opened = await sse.waitFor<Screen>((d) => d.poll?.status === 'open');
  expect(opened.poll).toEqual({
    question: 'Which first?', status: 'open', total: 0,
    results: [{ label: 'Health', votes: 0, percent: 0 }, { label: 'Jobs', votes: 0, percent: 0 }, { label: 'Climate', votes: 0, percent: 0 }],
  });
  const before = t.ctx.live.computations;
  const phones = Array.from({ length: 12 }, (_, i) => `+1312555${String(3000 + i)}`);
  await Promise.all(phones.map((p, i) => text(t.app, p, String((i % 3 === 2 ? 2 : i % 2) + 1))));
  const counted = await sse.waitFor<Screen>((d) => d.poll?.total === 12);
  expect(counted.poll!.results.map((r) => r.votes).reduce((a, b) => a + b)).toBe(12);
  expect(counted.poll!.results.map((r) => r.percent).reduce((a, b) => a + b)).toBeGreaterThanOrEqual(99);
  // Twelve votes arriving together are a handful of recomputations, not twelve.
  expect(t.ctx.live.computations - before).toBeLessThan(12);
  await admin(t.app).post(`/api/polls/${id}/close`);
  const final = await sse.waitFor<Screen>((d) => d.poll?.status === 'closed');
  expect(final.poll!.total).toBe(12);
  const page = await request(t.app).get(`/live/${token}`);
  expect(page.text).toContain('Final result');
  for (const haystack of [page.text, sse.raw]) for (const p of phones) expect(haystack).not.toContain(p.slice(2));
});

test('the top ideas rise on the screen as they are voted for', async () => {
  await admin(t.app).post(`/api/campaigns/${campaignId}/ideas/open`);
  await text(t.app, '+13125554001', 'IDEA Free buses');
  await text(t.app, '+13125554002', 'IDEA Late library');
  const queue = (await admin(t.app).get(`/api/campaigns/${campaignId}/ideas`)).body as { id: string }[];
  for (const i of queue) await admin(t.app).post(`/api/ideas/${i.id}/approve`);
  await sse.waitFor<Screen>((d) => d.ideas?.length === 2);
  await text(t.app, '+13125554003', 'VOTE 2');
  await text(t.app, '+13125554004', '2');
  const top = await sse.waitFor<Screen>((d) => d.ideas?.[0]?.votes === 2);
  expect(top.ideas).toEqual([{ number: 2, text: 'Late library', votes: 2 }, { number: 1, text: 'Free buses', votes: 0 }]);
  expect(sse.raw).not.toContain('5554003');
});
