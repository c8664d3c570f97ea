/**
 * Sending a broadcast through the REAL twilio client to the loopback fake Twilio API: what each
 * request carries, counts, completion, replies before bulk, Messaging Service routing, local mode.
 */
import { NodeTransport } from '../../src/twilio/http-transport';
import { enqueueOutbound } from '../../src/store/outbox/sqlite-gate';
import { admin, ACCOUNT_SID, AUTH_TOKEN, PUBLIC_BASE_URL } from '../helpers/app';
import { broadcastHarness, phone, sentBodies, type BroadcastHarness } from '../helpers/broadcast';

describe('dispatching a broadcast to the fake Twilio API', () => {
  let h: BroadcastHarness;
  beforeEach(async () => {
    h = await broadcastHarness();
  });
  afterEach(() => h.shutdown());

  test('each supporter gets one text with their name, from the campaign sender, with a status callback', async () => {
    const ids = [h.addContact({ phone: phone(1), firstName: 'Ana' }), h.addContact({ phone: phone(2) }), h.addContact({ phone: phone(3), firstName: 'Bo' })];
    const b = await h.sendNow({ name: 'Thanks', template: 'Thanks for coming, {{first_name|friend}}! {{program}}', audience: { campaigns: [h.demoCampaignId] } });
    expect(b.status).toBe('sending');

    const report = await h.dispatcher.runUntilIdle();
    expect(report.sent).toBe(3);

    const sent = sentBodies(h.fake).sort((a, b) => a.to.localeCompare(b.to));
    expect(sent).toEqual([
      { to: phone(1), from: '62262', body: 'Thanks for coming, Ana! Rally Alerts\nReply STOP to opt out' },
      { to: phone(2), from: '62262', body: 'Thanks for coming, friend! Rally Alerts\nReply STOP to opt out' },
      { to: phone(3), from: '62262', body: 'Thanks for coming, Bo! Rally Alerts\nReply STOP to opt out' },
    ]);
    for (const r of h.fake.requests) {
      expect(r.authorized).toBe(true);
      expect(r.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
      expect(r.params.StatusCallback).toBe(`${PUBLIC_BASE_URL}/twilio/status`);
    }

    const s = await h.status(b.id);
    expect(s.status).toBe('done');
    expect(s.finishedAt).not.toBeNull();
    expect(s.recipients).toBe(3);
    expect(s.counts).toMatchObject({ total: 3, queued: 3, pending: 0, sending: 0, unknown: 0 });

    // Every text is an outbox row with its Twilio SID, and each recipient row points at it.
    const rows = h.ctx.db.all(
      h.ctx.db.db.selectFrom('broadcast_recipients as r').innerJoin('outbound_messages as o', 'o.id', 'r.outbound_id')
        .select(['r.contact_id', 'r.status', 'r.twilio_sid', 'o.status as outbound_status', 'o.twilio_sid as outbound_sid', 'o.kind', 'o.segments'])
        .where('r.broadcast_id', '=', b.id),
    );
    expect(rows.map((r) => r.contact_id).sort()).toEqual(ids.sort());
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'queued', outbound_status: 'accepted', kind: 'broadcast', segments: 1 });
      expect(r.twilio_sid).toMatch(/^SM[0-9a-f]{32}$/);
      expect(r.outbound_sid).toBe(r.twilio_sid);
      expect(h.fake.message(r.twilio_sid!)).toBeDefined();
    }
  });

  test('a broadcast to nobody finishes at once and sends nothing', async () => {
    const b = await h.sendNow({ name: 'Empty', template: 'Hi', audience: { campaigns: [h.demoCampaignId] } });
    await h.dispatcher.runUntilIdle();
    expect(h.fake.requestCount).toBe(0);
    expect((await h.status(b.id)).status).toBe('done');
  });

  test('replies queued in the outbox go out before bulk texts', async () => {
    for (let i = 1; i <= 5; i++) h.addContact({ phone: phone(i) });
    const replyTo = h.addContact({ phone: phone(99), campaigns: [] });
    await h.sendNow({ name: 'Bulk', template: 'Bulk text', audience: { campaigns: [h.demoCampaignId] } });
    const now = h.clock.now().toISOString();
    h.ctx.db.tx(() =>
      enqueueOutbound(
        h.ctx.db,
        { contactId: replyTo, campaignId: h.demoCampaignId, inboundId: null, position: 0, kind: 'system', purpose: 'system', body: 'Your pledge is confirmed', delivery: 'queued' },
        h.ctx.newId, now,
      ),
    );
    await h.dispatcher.runUntilIdle();
    const sent = sentBodies(h.fake);
    expect(sent).toHaveLength(6);
    expect(sent[0]).toEqual({ to: phone(99), from: '62262', body: 'Your pledge is confirmed' });
    const reply = h.ctx.db.first(h.ctx.db.db.selectFrom('outbound_messages').selectAll().where('kind', '=', 'system'));
    expect(reply).toMatchObject({ status: 'accepted' });
    expect(reply!.twilio_sid).toMatch(/^SM/);
  });

  test('the send rate is counted in segments (virtual time, nothing waits)', async () => {
    for (let i = 1; i <= 20; i++) h.addContact({ phone: phone(i) });
    // 200 GSM-7 characters + footer: 2 segments each; 20 texts = 40 segments; at 4 segments/s ≈ 10 s.
    const d = h.newDispatcher({ rateMps: 4 });
    await h.sendNow({ name: 'Long', template: 'x'.repeat(200), audience: { campaigns: [h.demoCampaignId] } });
    const before = h.timer.now();
    await d.runUntilIdle();
    const elapsed = h.timer.now() - before;
    expect(sentBodies(h.fake)).toHaveLength(20);
    // The first 100 ms are a burst allowance; the rest is paced at 4 segments per second.
    expect(elapsed).toBeGreaterThanOrEqual((40 - 2) * 250 - 100);
    expect(elapsed).toBeLessThanOrEqual(40 * 250);
    await d.stop();
  });

  test('with a Messaging Service the text is routed through it, not a From number', async () => {
    await h.shutdown();
    h = await broadcastHarness({ TWILIO_MESSAGING_SERVICE_SID: `MG${'a'.repeat(32)}` });
    h.addContact({ phone: phone(1) });
    const b = await h.sendNow({ name: 'MG', template: 'Hello', audience: { campaigns: [h.demoCampaignId] } });
    await h.dispatcher.runUntilIdle();
    expect(h.fake.requests[0]!.params.MessagingServiceSid).toBe(`MG${'a'.repeat(32)}`);
    expect(h.fake.requests[0]!.params.From).toBeUndefined();
    expect((await h.status(b.id)).counts.queued).toBe(1);
  });

  test('TWILIO_API_BASE_URL rewrites api.twilio.com, also with an edge and region', () => {
    const c = new NodeTransport({ baseUrl: 'http://127.0.0.1:4010/' });
    expect(c.rewrite('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json')).toBe('http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json');
    expect(c.rewrite('https://api.sydney.au1.twilio.com/2010-04-01/x')).toBe('http://127.0.0.1:4010/2010-04-01/x');
    expect(c.rewrite('https://messaging.twilio.com/v1/x')).toBe('https://messaging.twilio.com/v1/x');
  });
});

describe('local mode (no Twilio credentials)', () => {
  test('texts go to the outbox log with fake SIDs and the lifecycle completes; nothing reaches Twilio', async () => {
    const h = await broadcastHarness({ TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' });
    try {
      expect(h.config.localMode).toBe(true);
      h.addContact({ phone: phone(1), firstName: 'Ana' });
      h.addContact({ phone: phone(2) });
      const b = await h.sendNow({ name: 'Local', template: 'Hi {{first_name|there}}', audience: { campaigns: [h.demoCampaignId] } });
      await h.dispatcher.runUntilIdle();
      expect(h.fake.requestCount).toBe(0);
      const s = await h.status(b.id);
      expect(s.status).toBe('done');
      expect(s.counts.sent).toBe(2);
      const out = h.ctx.db.all(h.ctx.db.db.selectFrom('outbound_messages').selectAll().where('kind', '=', 'broadcast'));
      expect(out.map((o) => o.status)).toEqual(['sent', 'sent']);
      for (const o of out) expect(o.twilio_sid).toMatch(/^SM[0-9a-f]{32}$/);
      const logged = h.logs.filter((l) => l.includes('local mode: text recorded in outbox'));
      expect(logged).toHaveLength(2);
      expect(logged.join('')).toContain('Hi Ana');
      expect(logged.join('')).not.toContain(phone(1)); // masked
    } finally {
      await h.shutdown();
    }
  });
});

describe('the admin API guards broadcasts', () => {
  test('volunteers and anonymous callers cannot touch broadcasts', async () => {
    const h = await broadcastHarness();
    try {
      const request = (await import('supertest')).default;
      expect((await request(h.app).get('/api/broadcasts')).status).toBe(401);
      const v = await request(h.app).get('/api/broadcasts').set('Authorization', 'Bearer volunteer-token-0123456789abcdef');
      expect(v.status).toBe(403);
      expect((await admin(h.app).get('/api/broadcasts')).status).toBe(200);
    } finally {
      await h.shutdown();
    }
  });
});
