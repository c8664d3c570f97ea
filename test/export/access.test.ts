/**
 * Who may export what: ADMIN_TOKEN everything, VOLUNTEER_TOKEN the CSV exports and nothing else
 * (403 on campaigns, broadcasts, imports, the audit trail), opted-out contacts never in a
 * volunteer export, and every export in the audit trail with role, filters, rows and times.
 */
import request from 'supertest';
import { ADMIN_TOKEN, VOLUNTEER_TOKEN, admin, testApp, text, type TestApp } from '../helpers/app';
import { download, readCsv } from '../helpers/csv';
import { demoCampaignId, signUp } from '../helpers/people';

let t: TestApp;

beforeEach(async () => {
  t = testApp();
  await signUp(t.app, '+13125550100', { name: 'Ana', pledge: '10' });
  await signUp(t.app, '+13125550101', { name: 'Ben' });
  await text(t.app, '+13125550102', 'JOIN');
  await text(t.app, '+13125550102', 'STOP');
});
afterEach(() => t.close());

const as = (token: string | null) => {
  const auth = (r: request.Test) => (token ? r.set('Authorization', `Bearer ${token}`) : r);
  return {
    get: (p: string) => auth(request(t.app).get(p)),
    post: (p: string, body: object | string = {}) => auth(request(t.app).post(p)).send(body),
    put: (p: string, body: object = {}) => auth(request(t.app).put(p)).send(body),
    delete: (p: string) => auth(request(t.app).delete(p)),
  };
};

describe('volunteer token', () => {
  test('downloads contacts and pledges exports', async () => {
    const c = await download(t.app, '/api/exports/contacts.csv', VOLUNTEER_TOKEN);
    expect(c.status).toBe(200);
    expect(readCsv(c.text).rows.map((r) => r.first_name).sort()).toEqual(['Ana', 'Ben']);
    const p = await download(t.app, '/api/exports/pledges.csv', VOLUNTEER_TOKEN);
    expect(p.status).toBe(200);
    expect(readCsv(p.text).rows).toHaveLength(1);
  });

  test('never gets opted-out contacts, and asking for them is a 403', async () => {
    const c = await download(t.app, '/api/exports/contacts.csv', VOLUNTEER_TOKEN);
    expect(readCsv(c.text).rows.map((r) => r.phone)).not.toContain('+13125550102');
    const asked = await download(t.app, '/api/exports/contacts.csv?include_opted_out=1', VOLUNTEER_TOKEN);
    expect(asked.status).toBe(403);
    expect(asked.json).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('opted-out') } });
    const organizer = await download(t.app, '/api/exports/contacts.csv?include_opted_out=1', ADMIN_TOKEN);
    expect(readCsv(organizer.text).rows.map((r) => r.phone)).toContain('+13125550102');
  });

  test.each([
    ['GET', '/api/campaigns'],
    ['POST', '/api/campaigns'],
    ['GET', '/api/campaigns/any-id'],
    ['PUT', '/api/campaigns/any-id'],
    ['PUT', '/api/campaigns/any-id/goal'],
    ['DELETE', '/api/campaigns/any-id'],
    ['GET', '/api/broadcasts'],
    ['POST', '/api/broadcasts'],
    ['POST', '/api/broadcasts/any-id/send'],
    ['POST', '/api/imports/contacts'],
    ['GET', '/api/imports'],
    ['GET', '/api/exports/audit'],
    ['GET', '/api/exports/anything-else'],
    ['GET', '/api/something-new'],
  ])('%s %s is 403 for a volunteer', async (method, path) => {
    const v = as(VOLUNTEER_TOKEN);
    const res = method === 'GET' ? await v.get(path) : method === 'POST' ? await v.post(path) : method === 'PUT' ? await v.put(path) : await v.delete(path);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
  });

  test('the organizer token still reaches campaigns; no token or a wrong one is a 401 everywhere', async () => {
    expect((await as(ADMIN_TOKEN).get('/api/campaigns')).status).toBe(200);
    for (const token of [null, 'not-a-real-token-at-all-0000']) {
      expect((await as(token).get('/api/exports/contacts.csv')).status).toBe(401);
      expect((await as(token).get('/api/campaigns')).status).toBe(401);
    }
  });
});

describe('export audit', () => {
  test('records role, filters, row count, outcome and times; organizers can read it, newest first', async () => {
    const demo = demoCampaignId(t.ctx.db);
    t.clock.set('2026-11-22T08:00:00.000Z');
    const a = await download(t.app, `/api/exports/contacts.csv?campaign=Demo%20rally&subscribed=1&since=2026-11-01&bom=1`, ADMIN_TOKEN);
    t.clock.set('2026-11-22T09:00:00.000Z');
    const v = await download(t.app, '/api/exports/pledges.csv', VOLUNTEER_TOKEN);
    // Refused exports are not exports: no audit row.
    expect((await download(t.app, '/api/exports/contacts.csv?include_opted_out=1', VOLUNTEER_TOKEN)).status).toBe(403);
    expect((await download(t.app, '/api/exports/contacts.csv?since=nope', ADMIN_TOKEN)).status).toBe(400);

    const res = await admin(t.app).get('/api/exports/audit');
    expect(res.status).toBe(200);
    expect(res.body.exports).toEqual([
      {
        id: v.headers['x-export-id'], role: 'volunteer', export: 'pledges', filters: {}, outcome: 'completed', rowCount: 1,
        client: expect.stringContaining('127.0.0.1'), startedAt: '2026-11-22T09:00:00.000Z', finishedAt: '2026-11-22T09:00:00.000Z',
      },
      {
        id: a.headers['x-export-id'], role: 'admin', export: 'contacts',
        filters: { campaign: 'Demo rally', campaignId: demo, subscribed: true, since: '2026-11-01T00:00:00.000Z' },
        outcome: 'completed', rowCount: 2, client: expect.any(String), startedAt: '2026-11-22T08:00:00.000Z', finishedAt: '2026-11-22T08:00:00.000Z',
      },
    ]);
    expect(readCsv(a.text).rows).toHaveLength(2);
    // HEAD (curl -I) answers the headers without running, or auditing, an export.
    const head = await request(t.app).head('/api/exports/contacts.csv').set('Authorization', `Bearer ${VOLUNTEER_TOKEN}`);
    expect([head.status, head.headers['content-type']]).toEqual([200, 'text/csv; charset=utf-8']);
    expect((await admin(t.app).get('/api/exports/audit')).body.exports).toHaveLength(2);
    expect((await admin(t.app).get('/api/exports/audit?limit=1')).body.exports).toHaveLength(1);
    expect((await admin(t.app).get('/api/exports/audit?limit=0')).status).toBe(400);
  });
});
