/**
 * Every send error path, answered by the fake Twilio API to the real twilio client (DESIGN §5):
 * 21610 opts out, 21211/21614/21635 mark undeliverable, 429 backs off and retries, other 4xx
 * fail, account-level errors pause the broadcast, and a timeout / 5xx / dropped connection is
 * NOT resent blindly: the row is "unknown" until the message is looked up at Twilio.
 */
import { enqueueOutbound } from '../../src/store/outbox';
import { admin } from '../helpers/app';
import { broadcastHarness, phone, sentBodies, type BroadcastHarness } from '../helpers/broadcast';
import type { Behaviour } from '../helpers/fake-twilio';

function creates(h: BroadcastHarness, to: string): number {
  return sentBodies(h.fake).filter((s) => s.to === to).length;
}

function recipient(h: BroadcastHarness, broadcastId: string, contactId: string) {
  return h.ctx.db.first(
    h.ctx.db.db.selectFrom('broadcast_recipients').selectAll().where('broadcast_id', '=', broadcastId).where('contact_id', '=', contactId),
  )!;
}

function contact(h: BroadcastHarness, id: string) {
  return h.ctx.db.first(h.ctx.db.db.selectFrom('contacts').selectAll().where('id', '=', id))!;
}

describe('send errors', () => {
  let h: BroadcastHarness;
  beforeEach(async () => {
    h = await broadcastHarness({ TWILIO_TIMEOUT_MS: '3000' });
  });
  afterEach(() => h.shutdown());

  const audience = () => ({ campaigns: [h.demoCampaignId] });

  test('21610: the recipient is opted out (consent event via carrier) and never texted again', async () => {
    const a = h.addContact({ phone: phone(1) });
    const ok = h.addContact({ phone: phone(2) });
    h.fake.forNumber(phone(1), { error: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const b = await h.sendNow({ name: 'one', template: 'Hi', audience: audience() });
    await h.dispatcher.runUntilIdle();

    expect(recipient(h, b.id, a)).toMatchObject({ status: 'opted_out', error_code: 21610, twilio_sid: null });
    expect(recipient(h, b.id, ok)).toMatchObject({ status: 'queued' });
    expect(contact(h, a)).toMatchObject({ status: 'opted_out' });
    expect(contact(h, a).opted_out_at).not.toBeNull();
    const events = h.ctx.db.all(h.ctx.db.db.selectFrom('consent_events').selectAll().where('contact_id', '=', a));
    expect(events).toEqual([expect.objectContaining({ kind: 'opt_out', via: 'carrier', sender: '62262', campaign_id: h.demoCampaignId, phone: phone(1) })]);
    const s = await h.status(b.id);
    expect(s.status).toBe('done');
    expect(s.counts).toMatchObject({ optedOut: 1, queued: 1, errors: { '21610': 1 } });

    const again = await h.sendNow({ name: 'two', template: 'Hi again', audience: audience() });
    await h.dispatcher.runUntilIdle();
    expect(creates(h, phone(1))).toBe(1);
    expect((await h.status(again.id)).counts.total).toBe(1);
  });

  test.each([21211, 21614, 21635])('%i: the number is marked undeliverable and left out of later broadcasts', async (code) => {
    const a = h.addContact({ phone: phone(1) });
    h.fake.forNumber(phone(1), { error: code });
    const b = await h.sendNow({ name: 'one', template: 'Hi', audience: audience() });
    await h.dispatcher.runUntilIdle();
    expect(recipient(h, b.id, a)).toMatchObject({ status: 'undeliverable', error_code: code });
    expect(contact(h, a)).toMatchObject({ undeliverable: 1, status: 'subscribed' });
    expect((await h.status(b.id)).counts).toMatchObject({ undeliverable: 1, errors: { [code]: 1 } });
    const again = await h.sendNow({ name: 'two', template: 'Hi', audience: audience() });
    await h.dispatcher.runUntilIdle();
    expect((await h.status(again.id)).counts.total).toBe(0);
    expect(creates(h, phone(1))).toBe(1);
  });

  test('429: backs off (on the injected clock) and retries; the text goes out once', async () => {
    const a = h.addContact({ phone: phone(1) });
    h.addContact({ phone: phone(2) });
    h.fake.forNumber(phone(1), { error: 20429, status: 429, message: 'Too Many Requests' }, { error: 20429, status: 429 });
    const b = await h.sendNow({ name: 'x', template: 'Hi', audience: audience() });
    await h.dispatcher.runUntilIdle();
    let r = recipient(h, b.id, a);
    expect(r).toMatchObject({ status: 'pending', attempts: 1 });
    expect(r.not_before! > h.clock.now().toISOString()).toBe(true);
    expect((await h.status(b.id)).status).toBe('sending');

    h.clock.advance(2_000);
    await h.dispatcher.runUntilIdle();
    expect(recipient(h, b.id, a)).toMatchObject({ status: 'pending', attempts: 2 });
    h.clock.advance(4_000);
    await h.dispatcher.runUntilIdle();
    r = recipient(h, b.id, a);
    expect(r).toMatchObject({ status: 'queued', attempts: 3 });
    expect(creates(h, phone(1))).toBe(3);
    expect(h.fake.messagesTo(phone(1))).toHaveLength(1);
    expect((await h.status(b.id)).status).toBe('done');
  });

  test('429 that never clears: given up after 10 attempts and recorded as failed (20429)', async () => {
    const a = h.addContact({ phone: phone(1) });
    h.fake.forNumber(phone(1), ...Array<Behaviour>(10).fill({ error: 20429, status: 429 }));
    const b = await h.sendNow({ name: 'x', template: 'Hi', audience: audience() });
    for (let i = 0; i < 10; i++) {
      await h.dispatcher.runUntilIdle();
      h.clock.advance(60_000);
    }
    expect(recipient(h, b.id, a)).toMatchObject({ status: 'failed', error_code: 20429, attempts: 10 });
    expect((await h.status(b.id)).status).toBe('done');
  });

  test.each<[string, Behaviour]>([
    ['HTTP 500', 'http500'],
    ['a timeout', 'hang'],
    ['a dropped connection', 'reset'],
  ])('%s that never reached Twilio: unknown, not resent until a lookup proves it is absent; then sent once', async (_n, behaviour) => {
    const a = h.addContact({ phone: phone(1) });
    h.fake.forNumber(phone(1), behaviour);
    const b = await h.sendNow({ name: 'x', template: 'Hi', audience: audience() });
    await h.dispatcher.runUntilIdle();
    expect(recipient(h, b.id, a)).toMatchObject({ status: 'unknown' });
    expect(creates(h, phone(1))).toBe(1);
    let s = await h.status(b.id);
    expect(s.counts.unknown).toBe(1);
    expect(s.status).toBe('sending');
    const listed = await admin(h.app).get(`/api/broadcasts/${b.id}/recipients?status=unknown`);
    expect(listed.body.recipients).toEqual([expect.objectContaining({ contactId: a, status: 'unknown', phone: '+1312***0001' })]);

    // Running again without time passing changes nothing: no blind resend.
    await h.dispatcher.runUntilIdle();
    expect(creates(h, phone(1))).toBe(1);

    h.clock.advance(60_000);
    await h.dispatcher.runUntilIdle();
    expect(h.fake.requests.some((r) => r.method === 'GET' && r.params.To === phone(1))).toBe(true);
    expect(creates(h, phone(1))).toBe(2);
    expect(h.fake.messagesTo(phone(1))).toHaveLength(1);
    s = await h.status(b.id);
    expect(s.status).toBe('done');
    expect(s.counts).toMatchObject({ queued: 1, unknown: 0 });
  });

  test.each<[string, Behaviour]>([
    ['HTTP 500', 'http500-created'],
    ['a timeout', 'hang-created'],
    ['a dropped connection', 'reset-created'],
  ])('%s after Twilio created the message: the lookup finds it and it is adopted, never resent', async (_n, behaviour) => {
    const a = h.addContact({ phone: phone(1) });
    h.fake.forNumber(phone(1), behaviour);
    const b = await h.sendNow({ name: 'x', template: 'Hi', audience: audience() });
    await h.dispatcher.runUntilIdle();
    expect(recipient(h, b.id, a).status).toBe('unknown');
    h.clock.advance(60_000);
    await h.dispatcher.runUntilIdle();
    const created = h.fake.messagesTo(phone(1));
    expect(created).toHaveLength(1);
    expect(creates(h, phone(1))).toBe(1);
    expect(recipient(h, b.id, a)).toMatchObject({ status: 'queued', twilio_sid: created[0]!.sid });
    expect((await h.status(b.id)).status).toBe('done');
  });

  test('when lookups keep failing the text stays unknown and is reported; after a day the broadcast finishes with it counted', async () => {
    const a = h.addContact({ phone: phone(1) });
    h.fake.forNumber(phone(1), 'http500');
    h.fake.failLookups = true;
    const b = await h.sendNow({ name: 'x', template: 'Hi', audience: audience() });
    await h.dispatcher.runUntilIdle();
    h.clock.advance(60_000);
    await h.dispatcher.runUntilIdle();
    expect(recipient(h, b.id, a).status).toBe('unknown');
    expect(recipient(h, b.id, a).not_before).not.toBeNull();
    h.clock.advance(25 * 3_600_000);
    await h.dispatcher.runUntilIdle();
    expect(recipient(h, b.id, a)).toMatchObject({ status: 'unknown', not_before: null });
    expect(creates(h, phone(1))).toBe(1);
    const s = await h.status(b.id);
    expect(s.status).toBe('done');
    expect(s.counts.unknown).toBe(1);
    expect(h.logs.some((l) => l.includes('"result":"gave_up"'))).toBe(true);
  });

  test('another 4xx (e.g. 21617 body too long) fails that text only', async () => {
    const a = h.addContact({ phone: phone(1) });
    h.addContact({ phone: phone(2) });
    h.fake.forNumber(phone(1), { error: 21617, message: 'The concatenated message body exceeds the 1600 character limit' });
    const b = await h.sendNow({ name: 'x', template: 'Hi', audience: audience() });
    await h.dispatcher.runUntilIdle();
    expect(recipient(h, b.id, a)).toMatchObject({ status: 'failed', error_code: 21617 });
    const s = await h.status(b.id);
    expect(s.status).toBe('done');
    expect(s.counts).toMatchObject({ failed: 1, queued: 1, errors: { '21617': 1 } });
  });

  test('an account-level error (21606: not a valid sender) pauses the broadcast instead of failing everyone', async () => {
    for (let i = 1; i <= 30; i++) h.addContact({ phone: phone(i) });
    h.fake.behave(() => ({ error: 21606, message: "The 'From' phone number provided is not a valid message-capable Twilio phone number" }));
    const b = await h.sendNow({ name: 'x', template: 'Hi', audience: audience() });
    await h.dispatcher.runUntilIdle();
    let s = await h.status(b.id);
    expect(s.status).toBe('paused');
    expect(s.lastError).toMatch(/21606/);
    expect(s.counts).toMatchObject({ pending: 30, failed: 0 });
    // Only the texts already in flight when the first refusal came back were tried.
    expect(h.fake.requestCount).toBeLessThan(30);

    h.fake.behave(null);

    const resumed = await admin(h.app).post(`/api/broadcasts/${b.id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.lastError).toBeNull();
    await h.dispatcher.runUntilIdle();
    s = await h.status(b.id);
    expect(s.status).toBe('done');
    expect(s.counts.queued).toBe(30);
  });

  test('connection refused (Twilio unreachable): nothing was sent, so the text is retried, not marked unknown', async () => {
    await h.shutdown();
    h = await broadcastHarness({ TWILIO_API_BASE_URL: 'http://127.0.0.1:9' });
    const a = h.addContact({ phone: phone(1) });
    const b = await h.sendNow({ name: 'x', template: 'Hi', audience: audience() });
    await h.dispatcher.runUntilIdle();
    expect(recipient(h, b.id, a)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(recipient(h, b.id, a).not_before).not.toBeNull();
  });

  test('a queued reply whose send timed out is looked up too: resent only once Twilio shows it never arrived', async () => {
    const id = h.addContact({ phone: phone(7) });
    h.ctx.db.tx(() =>
      enqueueOutbound(
        h.ctx.db,
        { contactId: id, campaignId: h.demoCampaignId, inboundId: null, position: 0, kind: 'system', purpose: 'system', body: 'Pledge received', delivery: 'queued' },
        h.ctx.newId, h.clock.now().toISOString(),
      ),
    );
    h.fake.forNumber(phone(7), 'hang');
    await h.dispatcher.runUntilIdle();
    const row = () => h.ctx.db.first(h.ctx.db.db.selectFrom('outbound_messages').selectAll().where('kind', '=', 'system'))!;
    expect(row().status).toBe('unknown');
    await h.dispatcher.runUntilIdle();
    expect(creates(h, phone(7))).toBe(1);
    h.clock.advance(60_000);
    await h.dispatcher.runUntilIdle();
    expect(creates(h, phone(7))).toBe(2);
    expect(h.fake.messagesTo(phone(7))).toHaveLength(1);
    expect(row().status).toBe('accepted');
    expect(row().twilio_sid).toBe(h.fake.messagesTo(phone(7))[0]!.sid);
  });
});
