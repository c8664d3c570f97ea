/**
 * One date parser (src/core/dates.ts) for broadcast audiences, sendAt and export filters.
 * JavaScript's Date rolls "2026-02-31" over to March 3: a broadcast audience with
 * joinedAfter 2026-02-31 used to be stored as 2026-03-03, and sendAt 2027-02-31T10:00:00Z
 * scheduled for March 3. Every such date is now a 400 at its field, in every place.
 */
import request from 'supertest';
import { parseInstant } from '../../src/core/dates';
import { ADMIN_TOKEN, admin, testApp, type TestApp } from '../helpers/app';
import { download } from '../helpers/csv';

let t: TestApp;
let campaignId: string;
beforeEach(async () => {
  t = testApp();
  campaignId = (await admin(t.app).get('/api/campaigns')).body.campaigns[0].id;
});
afterEach(() => t.close());

const paths = (body: { error: { details: { path: string }[] } }) => body.error.details.map((d) => d.path);
const countBroadcasts = () => (t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM broadcasts').get() as { n: number }).n;

test.each(['2026-02-31', '2026-02-29', '2026-04-31', '2026-02-31T10:00:00Z', '2026-13-01', '2026-00-10', '2026-11-00'])(
  'audience joinedAfter / joinedBefore %s: 400 at the field, nothing stored',
  async (date) => {
    for (const field of ['joinedAfter', 'joinedBefore']) {
      const res = await admin(t.app).post('/api/broadcasts', { name: 'x', template: 'Hi', audience: { campaigns: [campaignId], [field]: date } });
      expect(res.status).toBe(400);
      expect(paths(res.body)).toEqual([`audience.${field}`]);
      const preview = await admin(t.app).post('/api/broadcasts/preview', { template: 'Hi', audience: { campaigns: [campaignId], [field]: date } });
      expect(preview.status).toBe(400);
    }
    expect(countBroadcasts()).toBe(0);
  },
);

test.each(['2027-02-31T10:00:00Z', '2027-02-29T10:00:00Z', '2027-06-31T10:00:00-05:00', '2027-01-01T24:00:00Z', '2027-01-01T10:60:00Z', '2027-01-01T10:00:00+24:00'])(
  'sendAt %s: 400 at sendAt on create, edit and schedule',
  async (sendAt) => {
    const created = await admin(t.app).post('/api/broadcasts', { name: 'x', template: 'Hi', audience: { campaigns: [campaignId] }, sendAt });
    expect(created.status).toBe(400);
    expect(paths(created.body)).toEqual(['sendAt']);
    const draft = await admin(t.app).post('/api/broadcasts', { name: 'x', template: 'Hi', audience: { campaigns: [campaignId] } });
    const patched = await request(t.app).patch(`/api/broadcasts/${draft.body.id}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ sendAt });
    expect(patched.status).toBe(400);
    expect(paths(patched.body)).toEqual(['sendAt']);
    const scheduled = await admin(t.app).post(`/api/broadcasts/${draft.body.id}/schedule`, { sendAt });
    expect(scheduled.status).toBe(400);
    const row = t.ctx.db.sqlite.prepare('SELECT status, send_at FROM broadcasts WHERE id = ?').get(draft.body.id);
    expect(row).toEqual({ status: 'draft', send_at: null });
  },
);

test.each(['2026-02-31', '2026-02-31T10:00:00Z', '2026-11-31T00:00:00+01:00', '2026-11-21T18:00'])('export since / until %s: 400', async (date) => {
  for (const edge of ['since', 'until']) {
    const res = await download(t.app, `/api/exports/contacts.csv?${edge}=${encodeURIComponent(date)}`, ADMIN_TOKEN);
    expect(res.status).toBe(400);
  }
});

test('real dates keep working everywhere: leap days, offsets, minutes-only times', async () => {
  const audience = { campaigns: [campaignId], joinedAfter: '2028-02-29', joinedBefore: '2028-03-01T06:30-06:00' };
  const created = await admin(t.app).post('/api/broadcasts', { name: 'x', template: 'Hi', audience, sendAt: '2028-02-29T15:00:00.5+05:30' });
  expect(created.status).toBe(201);
  expect(created.body.audience).toMatchObject({ joinedAfter: '2028-02-29T00:00:00.000Z', joinedBefore: '2028-03-01T12:30:00.000Z' });
  expect(created.body.sendAt).toBe('2028-02-29T09:30:00.500Z');
  expect((await download(t.app, '/api/exports/contacts.csv?since=2028-02-29&until=2028-02-29T23:00:00%2B0100', ADMIN_TOKEN)).status).toBe(200);
});

test('the parser: what it accepts and how it reads it', () => {
  expect(parseInstant('2026-11-21', true)).toEqual({ ok: true, iso: '2026-11-21T00:00:00.000Z', dateOnly: true });
  expect(parseInstant('2026-11-21', false)).toMatchObject({ ok: false });
  expect(parseInstant('2026-11-21T12:00:00-0600', false)).toEqual({ ok: true, iso: '2026-11-21T18:00:00.000Z', dateOnly: false });
  expect(parseInstant('2024-02-29T00:00Z', false)).toMatchObject({ ok: true });
  expect(parseInstant('2100-02-29', true)).toMatchObject({ ok: false, message: expect.stringMatching(/February 2100 has 28 days/) });
  expect(parseInstant('2026-11-21T18:00:00', true)).toMatchObject({ ok: false, message: expect.stringMatching(/add Z/) });
  for (const junk of ['', 'yesterday', '2026-1-5', '+002026-11-21', '2026-11-21T18:00:00.1234567890Z', '2026-11-21 18:00Z']) {
    expect(parseInstant(junk, true)).toMatchObject({ ok: false });
  }
});
