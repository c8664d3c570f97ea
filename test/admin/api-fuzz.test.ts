/**
 * Bad input on the organizer API is a precise 4xx, never a 500: random JSON bodies, ids and
 * query strings against every admin route (real app, real SQLite), seeded so a failure replays.
 */
import fc from 'fast-check';
import request from 'supertest';
import { ADMIN_TOKEN, testApp, type TestApp } from '../helpers/app';

let t: TestApp;
let campaignId: string;
let broadcastId: string;
beforeAll(async () => {
  t = testApp();
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  campaignId = (await request(t.app).get('/api/campaigns').set(auth)).body.campaigns[0].id;
  const b = await request(t.app).post('/api/broadcasts').set(auth).send({ name: 'x', template: 'Hi', audience: { campaigns: [campaignId] } });
  expect(b.status).toBe(201);
  broadcastId = b.body.id;
});
afterAll(() => t.close());

const WRITES: [string, (id: string) => string][] = [
  ['post', () => '/api/campaigns'],
  ['put', (id) => `/api/campaigns/${id}`],
  ['put', (id) => `/api/campaigns/${id}/goal`],
  ['post', () => '/api/broadcasts'],
  ['post', () => '/api/broadcasts/preview'],
  ['patch', (id) => `/api/broadcasts/${id}`],
  ['post', (id) => `/api/broadcasts/${id}/schedule`],
];
const READS = ['/api/campaigns/%', '/api/broadcasts/%', '/api/broadcasts/%/preview', '/api/broadcasts/%/recipients', '/api/exports/contacts.csv', '/api/exports/pledges.csv', '/api/exports/audit', '/api/imports'];

const id = fc.oneof(fc.constant('CAMPAIGN'), fc.constant('BROADCAST'), fc.string({ maxLength: 40 }).map(encodeURIComponent));
const resolveId = (x: string) => (x === 'CAMPAIGN' ? campaignId : x === 'BROADCAST' ? broadcastId : x || 'none');
const query = fc.dictionary(fc.constantFrom('campaign', 'subscribed', 'pledged', 'since', 'until', 'status', 'limit', 'before', 'bom', 'all', 'x'), fc.string({ maxLength: 20 }), { maxKeys: 4 });

test('random JSON bodies on every admin write route never give a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...WRITES), id, fc.jsonValue({ maxDepth: 4 }), async ([method, path], rawId, body) => {
      const res = await (request(t.app) as unknown as Record<string, (p: string) => request.Test>)[method]!(path(resolveId(rawId)))
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
      expect(res.status).toBeLessThan(500);
    }),
    { numRuns: 300, seed: 20261121 },
  );
});

test('random ids and query strings on every admin read route never give a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...READS), id, query, async (path, rawId, q) => {
      const res = await request(t.app).get(path.replace('%', resolveId(rawId))).query(q).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
      expect(res.status).toBeLessThan(500);
    }),
    { numRuns: 300, seed: 20261121 },
  );
});
