/**
 * The organizer's controls while texts are going out, and the opt-out re-check at send time:
 * STOP mid-broadcast (through the real signed webhook), pause / resume / cancel mid-send,
 * scheduling with the injected clock, edits, conflicts.
 */
import { enqueueOutbound } from '../../src/store/outbox/sqlite-gate';
import request from 'supertest';
import { admin, ADMIN_TOKEN, text } from '../helpers/app';
import { broadcastHarness, phone, sentBodies, type BroadcastHarness } from '../helpers/broadcast';

describe('broadcast lifecycle', () => {
  let h: BroadcastHarness;
  beforeEach(async () => {
    h = await broadcastHarness();
  });
  afterEach(() => h.shutdown());

  const audience = () => ({ campaigns: [h.demoCampaignId] });

  test('someone who texts STOP mid-broadcast gets nothing more', async () => {
    for (let i = 1; i <= 6; i++) h.addContact({ phone: phone(i) });
    const stopper = phone(4);
    // One text at a time; while the 2nd is in flight, supporter 4 texts STOP to the short code.
    const d = h.newDispatcher({ concurrency: 1 });
    h.fake.onCreate = async ({ index }) => {
      if (index === 1) expect(await text(h.app, stopper, 'STOP')).toEqual([expect.stringMatching(/unsubscribed/)]);
    };
    const b = await h.sendNow({ name: 'x', template: 'Canvass Saturday', audience: audience() });
    await d.runUntilIdle();
    await d.stop();

    const to = sentBodies(h.fake).map((s) => s.to);
    expect(to).toHaveLength(5);
    expect(to).not.toContain(stopper);
    const s = await h.status(b.id);
    expect(s.status).toBe('done');
    expect(s.counts).toMatchObject({ queued: 5, optedOut: 1 });
    // The refusal is on record in the outbox as suppressed, never sent.
    const suppressed = h.ctx.db.all(h.ctx.db.db.selectFrom('outbound_messages').selectAll().where('kind', '=', 'broadcast').where('status', '=', 'suppressed'));
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.twilio_sid).toBeNull();
  });

  test('a queued reply to someone who has since opted out is suppressed at send time', async () => {
    const id = h.addContact({ phone: phone(1) });
    h.ctx.db.tx(() =>
      enqueueOutbound(
        h.ctx.db,
        { contactId: id, campaignId: h.demoCampaignId, inboundId: null, position: 0, kind: 'system', purpose: 'system', body: 'Reminder', delivery: 'queued' },
        h.ctx.newId, h.clock.now().toISOString(),
      ),
    );
    await text(h.app, phone(1), 'STOP');
    await h.dispatcher.runUntilIdle();
    expect(h.fake.requestCount).toBe(0);
    const row = h.ctx.db.first(h.ctx.db.db.selectFrom('outbound_messages').selectAll().where('kind', '=', 'system'))!;
    expect(row.status).toBe('suppressed');
  });

  test('pause mid-send stops new texts at once; resume finishes; nobody gets two', async () => {
    for (let i = 1; i <= 10; i++) h.addContact({ phone: phone(i) });
    const d = h.newDispatcher({ concurrency: 1 });
    let id = '';
    h.fake.onCreate = async ({ index }) => {
      if (index === 2) expect((await admin(h.app).post(`/api/broadcasts/${id}/pause`)).status).toBe(200);
    };
    const b = await h.sendNow({ name: 'x', template: 'Hi', audience: audience() });
    id = b.id;
    await d.runUntilIdle();
    expect(h.fake.requestCount).toBe(3); // the one in flight when paused completes
    let s = await h.status(b.id);
    expect(s.status).toBe('paused');
    expect(s.counts).toMatchObject({ queued: 3, pending: 7 });

    h.fake.onCreate = null;
    expect((await admin(h.app).post(`/api/broadcasts/${b.id}/resume`)).body.status).toBe('sending');
    await d.runUntilIdle();
    await d.stop();
    s = await h.status(b.id);
    expect(s.status).toBe('done');
    expect(s.counts.queued).toBe(10);
    expect(new Set(sentBodies(h.fake).map((x) => x.to)).size).toBe(10);
    expect(sentBodies(h.fake)).toHaveLength(10);
  });

  test('cancel mid-send: the rest are marked canceled and never sent', async () => {
    for (let i = 1; i <= 10; i++) h.addContact({ phone: phone(i) });
    const d = h.newDispatcher({ concurrency: 1 });
    let id = '';
    h.fake.onCreate = async ({ index }) => {
      if (index === 3) expect((await admin(h.app).post(`/api/broadcasts/${id}/cancel`)).status).toBe(200);
    };
    const b = await h.sendNow({ name: 'x', template: 'Hi', audience: audience() });
    id = b.id;
    await d.runUntilIdle();
    await d.stop();
    const s = await h.status(b.id);
    expect(s.status).toBe('canceled');
    expect(s.finishedAt).not.toBeNull();
    expect(s.counts).toMatchObject({ queued: 4, canceled: 6, pending: 0 });
    expect(h.fake.requestCount).toBe(4);
    expect((await admin(h.app).post(`/api/broadcasts/${b.id}/resume`)).status).toBe(409);
  });

  test('scheduled for later: nothing goes out until send_at (injected clock), then it starts by itself', async () => {
    h.addContact({ phone: phone(1) });
    const at = '2026-11-22T15:00:00Z';
    const b = await h.createBroadcast({ name: 'Sat', template: 'Today!', audience: audience(), sendAt: at });
    expect(b).toMatchObject({ status: 'scheduled', sendAt: '2026-11-22T15:00:00.000Z' });
    await h.dispatcher.runUntilIdle();
    expect(h.fake.requestCount).toBe(0);
    h.clock.set('2026-11-22T14:59:59.000Z');
    await h.dispatcher.runUntilIdle();
    expect(h.fake.requestCount).toBe(0);
    h.clock.set('2026-11-22T15:00:00.000Z');
    await h.dispatcher.runUntilIdle();
    expect(h.fake.requestCount).toBe(1);
    const s = await h.status(b.id);
    expect(s.status).toBe('done');
    expect(s.startedAt).toBe('2026-11-22T15:00:00.000Z');
  });

  test('schedule, reschedule, unschedule (PATCH sendAt null), edit a draft; past times are refused', async () => {
    h.addContact({ phone: phone(1) });
    const api = { ...admin(h.app), patch: (p: string, body: object) => request(h.app).patch(p).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(body) };
    const b = await h.createBroadcast({ name: 'Draft', template: 'Hi', audience: audience() });
    expect(b.status).toBe('draft');
    expect((await api.post(`/api/broadcasts/${b.id}/schedule`, { sendAt: '2026-11-21T19:00:00Z' })).status).toBe(400);
    expect((await api.post(`/api/broadcasts/${b.id}/schedule`, { sendAt: 'tomorrow' })).status).toBe(400);
    const sch = await api.post(`/api/broadcasts/${b.id}/schedule`, { sendAt: '2026-11-22T15:00:00Z' });
    expect(sch.body.status).toBe('scheduled');
    const edited = await api.patch(`/api/broadcasts/${b.id}`, { template: 'Hi {{first_name|all}}', sendAt: null });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'draft', sendAt: null, template: 'Hi {{first_name|all}}' });
    expect((await api.patch(`/api/broadcasts/${b.id}`, { template: 'Hi {{nope}}' })).status).toBe(400);
    expect((await api.patch(`/api/broadcasts/${b.id}`, { audience: { campaigns: [h.demoCampaignId], state: 'ZZ' } })).status).toBe(400);
    const sent = await api.post(`/api/broadcasts/${b.id}/send`);
    expect(sent.status).toBe(202);
    expect((await api.patch(`/api/broadcasts/${b.id}`, { name: 'too late' })).status).toBe(409);
    await h.dispatcher.runUntilIdle();
    expect(sentBodies(h.fake)[0]!.body).toBe('Hi all\nReply STOP to opt out');
  });

  test('invalid transitions are 409s; unknown ids are 404s; list shows every broadcast with counts', async () => {
    const api = admin(h.app);
    h.addContact({ phone: phone(1) });
    const b = await h.sendNow({ name: 'One', template: 'Hi', audience: audience() });
    expect((await api.post(`/api/broadcasts/${b.id}/send`)).status).toBe(409);
    expect((await api.post(`/api/broadcasts/${b.id}/resume`)).status).toBe(409);
    await h.dispatcher.runUntilIdle();
    expect((await api.post(`/api/broadcasts/${b.id}/pause`)).status).toBe(409);
    expect((await api.post(`/api/broadcasts/${b.id}/cancel`)).status).toBe(409);
    expect((await api.get('/api/broadcasts/nope')).status).toBe(404);
    expect((await api.post('/api/broadcasts/nope/send')).status).toBe(404);
    h.clock.advance(1_000);
    await h.createBroadcast({ name: 'Two', template: 'Hi', audience: audience() });
    const list = await api.get('/api/broadcasts');
    expect(list.body.broadcasts.map((x: { name: string; status: string }) => [x.name, x.status])).toEqual([['Two', 'draft'], ['One', 'done']]);
    expect(list.body.broadcasts[1].counts.queued).toBe(1);
  });

  test('a paused scheduled broadcast returns to its schedule on resume', async () => {
    const api = admin(h.app);
    const b = await h.createBroadcast({ name: 'Sat', template: 'Hi', audience: audience(), sendAt: '2026-11-22T15:00:00Z' });
    expect((await api.post(`/api/broadcasts/${b.id}/pause`)).body.status).toBe('paused');
    h.clock.set('2026-11-22T16:00:00Z');
    await h.dispatcher.runUntilIdle();
    expect((await h.status(b.id)).status).toBe('paused');
    // send_at has passed: resuming starts it now
    expect((await api.post(`/api/broadcasts/${b.id}/resume`)).body.status).toBe('sending');
  });
});
