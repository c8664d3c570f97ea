/**
 * The inbox through the real listener: a signed text from a known number becomes a thread, a
 * reply goes out through the outbox and the dispatcher to the fake Twilio API, and its delivery
 * receipt shows on the thread. Also: the auto-reply at most once per 24 h, STOP inside a thread,
 * refused replies that send nothing, concurrent replies in order, volunteer scope, assignment,
 * split and next, done and reopen, canned responses, and the live stream.
 */
import request from 'supertest';
import { ADMIN_TOKEN, admin, TEST_ENGINE, text, VOLUNTEER_TOKEN } from '../helpers/app';
import { broadcastHarness, phone, sentBodies, type BroadcastHarness } from '../helpers/broadcast';
import { SseClient } from '../helpers/sse';

const AUTO = 'Rally Alerts: Thanks for your message! A person from our team will read it and reply. Reply HELP for help, STOP to cancel.';

describe('the inbox', () => {
  let h: BroadcastHarness;
  let api: ReturnType<typeof admin>;
  beforeEach(async () => {
    h = await broadcastHarness();
    api = admin(h.app);
  });
  afterEach(() => h.shutdown());

  const volunteer = () => {
    const auth = { Authorization: `Bearer ${VOLUNTEER_TOKEN}` };
    return {
      get: (p: string) => request(h.app).get(p).set(auth),
      post: (p: string, body?: object) => request(h.app).post(p).set(auth).send(body),
    };
  };
  const outboundCount = () => (h.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM outbound_messages').get() as { n: number }).n;

  /** A subscribed contact who then writes something no flow or keyword claims. */
  async function threadFrom(n: number, body = 'where do I park?', firstName: string | null = 'Ana'): Promise<string> {
    const id = h.addContact({ phone: phone(n), firstName });
    expect(await text(h.app, phone(n), body)).toEqual([AUTO]);
    return id;
  }

  test('round trip: text in → thread → reply out through the fake Twilio API → delivery receipt on the thread', async () => {
    const contactId = await threadFrom(1);
    const list = await api.get('/api/inbox?status=open');
    expect(list.status).toBe(200);
    expect(list.body.threads).toEqual([
      expect.objectContaining({ contactId, phone: phone(1), lastText: 'where do I park?', unread: 1, assignee: null, status: 'open', firstName: 'Ana' }),
    ]);

    const opened = await api.get(`/api/inbox/${contactId}`);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ contactId, unread: 0, replyBlocked: null, contact: { firstName: 'Ana', status: 'subscribed' } });
    expect(opened.body.messages.map((m: { direction: string; body: string }) => [m.direction, m.body])).toEqual([
      ['in', 'where do I park?'],
      ['out', AUTO],
    ]);
    expect((await api.get('/api/inbox')).body.threads[0].unread).toBe(0);

    h.clock.advance(90_000);
    const res = await api.post(`/api/inbox/${contactId}/replies`, { body: 'Park on Elm St, Ana. See you at 7!' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ contactId, body: 'Park on Elm St, Ana. See you at 7!', status: 'queued', author: 'token:admin', segments: 1 });
    // Queued, not yet sent: nothing reached Twilio.
    expect(sentBodies(h.fake)).toEqual([]);

    await h.dispatcher.runUntilIdle();
    expect(sentBodies(h.fake)).toEqual([{ to: phone(1), from: '62262', body: 'Park on Elm St, Ana. See you at 7!' }]);
    const sid = h.fake.messages[0]!.sid;
    expect(await h.fake.postStatus(sid, 'sent')).toBe(204);
    expect(await h.fake.postStatus(sid, 'delivered')).toBe(204);

    const after = (await api.get(`/api/inbox/${contactId}`)).body;
    expect(after.lastText).toBe('Park on Elm St, Ana. See you at 7!');
    expect(after.messages.at(-1)).toMatchObject({ direction: 'out', body: 'Park on Elm St, Ana. See you at 7!', status: 'delivered', author: 'token:admin', kind: 'reply' });
  });

  test('every reply sent from the inbox is in the audit log: who, to whom, how long; a refused reply is not', async () => {
    const contactId = await threadFrom(3);
    expect((await api.post(`/api/inbox/${contactId}/replies`, { body: 'Doors open at 6.' })).status).toBe(202);
    expect((await volunteer().post(`/api/inbox/${contactId}/replies`, { body: 'x'.repeat(1601) })).status).toBe(400);
    const entries = (await api.get('/api/audit?limit=50')).body.entries as { actor: { id: string }; action: string; target: unknown; details: Record<string, unknown> }[];
    const replies = entries.filter((e) => e.action === 'reply.sent');
    expect(replies).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ id: 'token:admin' }), target: { type: 'contact', id: contactId }, details: expect.objectContaining({ segments: 1, characters: 16 }) }),
    ]);
  });

  test('a new number still gets the join instructions and no thread; a flow answer is not an inbox item', async () => {
    expect(await text(h.app, phone(2), 'hello?')).toEqual(['Rally Alerts: Text JOIN to 62262 to join. Reply HELP for help, STOP to cancel.']);
    expect((await api.get('/api/inbox')).body.threads).toEqual([]);
    await text(h.app, phone(3), 'JOIN');
    await text(h.app, phone(3), 'Ana');
    expect((await api.get('/api/inbox')).body.threads).toEqual([]);
    // The same number's second unclaimed text: a known number now, so a thread.
    expect(await text(h.app, phone(2), 'is anyone there?')).toEqual([AUTO]);
    expect((await api.get('/api/inbox')).body.threads).toEqual([expect.objectContaining({ lastText: 'is anyone there?', unread: 1 })]);
  });

  test('the auto-reply goes at most once per 24 h per number; it is a campaign setting (text editable, can be off)', async () => {
    const contactId = await threadFrom(4);
    expect(await text(h.app, phone(4), 'hello??')).toEqual([]);
    h.clock.advance(23 * 3_600_000);
    expect(await text(h.app, phone(4), 'still there?')).toEqual([]);
    h.clock.advance(3_600_000);
    expect(await text(h.app, phone(4), 'a day later')).toEqual([AUTO]);
    expect((await api.get(`/api/inbox/${contactId}?peek=1`)).body.unread).toBe(4);

    const bad = await api.put(`/api/campaigns/${h.demoCampaignId}/auto-reply`, { enabled: true, text: 'We got it' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'text', message: 'must tell people to reply STOP to cancel' })]);
    const set = await api.put(`/api/campaigns/${h.demoCampaignId}/auto-reply`, { enabled: true, text: '{{program}}: got it, a volunteer will text back. Reply STOP to cancel.' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ enabled: true, preview: 'Rally Alerts: got it, a volunteer will text back. Reply STOP to cancel.' });
    expect(await text(h.app, phone(6), 'x')).toHaveLength(1); // new number: join instructions
    expect(await text(h.app, phone(6), 'y')).toEqual(['Rally Alerts: got it, a volunteer will text back. Reply STOP to cancel.']);

    expect((await api.put(`/api/campaigns/${h.demoCampaignId}/auto-reply`, { enabled: false })).status).toBe(200);
    h.addContact({ phone: phone(7) });
    expect(await text(h.app, phone(7), 'hi there')).toEqual([]);
    expect((await api.get('/api/inbox')).body.threads.map((t: { phone: string }) => t.phone)).toContain(phone(7));
  });

  test('STOP inside a thread is honoured first; the thread then refuses replies (409, nothing sent) and says why', async () => {
    const contactId = await threadFrom(8);
    const stop = await text(h.app, phone(8), 'STOP');
    expect(stop).toEqual([expect.stringContaining("You're unsubscribed")]);
    // The STOP is compliance, not a conversation item: no new unread.
    expect((await api.get(`/api/inbox/${contactId}?peek=1`)).body).toMatchObject({ unread: 1, optedOut: true });
    const view = (await api.get(`/api/inbox/${contactId}`)).body;
    expect(view.replyBlocked).toMatch(/opted out/);
    expect(view.consent.map((e: { kind: string }) => e.kind)).toEqual(['opt_out']);
    expect(view.messages.map((m: { body: string }) => m.body)).toContain('STOP');

    const before = outboundCount();
    const res = await api.post(`/api/inbox/${contactId}/replies`, { body: 'Sorry to see you go' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/opted out/);
    expect(outboundCount()).toBe(before);
    await h.dispatcher.runUntilIdle();
    expect(sentBodies(h.fake)).toEqual([]);

    // Further texts from the opted-out number are still readable, and get nothing back.
    expect(await text(h.app, phone(8), 'why did I get texts')).toEqual([]);
    expect((await api.get(`/api/inbox/${contactId}?peek=1`)).body).toMatchObject({ unread: 1, lastText: 'why did I get texts' });
  });

  test('bad replies are clear 4xx and send nothing: too long, empty, unknown contact, extra fields', async () => {
    const contactId = await threadFrom(9);
    const before = outboundCount();
    const long = await api.post(`/api/inbox/${contactId}/replies`, { body: 'x'.repeat(1601) });
    expect(long.status).toBe(400);
    expect(long.body.error.details).toEqual([expect.objectContaining({ path: 'body', message: expect.stringMatching(/1600/) })]);
    expect((await api.post(`/api/inbox/${contactId}/replies`, { body: '   ' })).status).toBe(400);
    expect((await api.post(`/api/inbox/${contactId}/replies`, { body: 'hi', to: '+15555550100' })).status).toBe(400);
    expect((await api.post(`/api/inbox/${contactId}/replies`, {})).status).toBe(400);
    expect((await api.post('/api/inbox/no-such-contact/replies', { body: 'hi' })).status).toBe(404);
    expect((await api.get('/api/inbox/no-such-contact')).status).toBe(404);
    expect((await api.post(`/api/inbox/${contactId}/replies`, { body: 'x'.repeat(1600) })).status).toBe(202);
    expect(outboundCount()).toBe(before + 1);
  });

  test('two people replying at once: both go, once each, in the order they were written', async () => {
    const contactId = await threadFrom(10);
    const vol = volunteer();
    const [a, b] = await Promise.all([
      api.post(`/api/inbox/${contactId}/replies`, { body: 'First: park on Elm' }),
      vol.post(`/api/inbox/${contactId}/replies`, { body: 'Second: or on Oak' }),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    const order = [a.body, b.body].sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0)).map((r) => r.body);

    // While the first is in flight, the second waits (one text in flight per number).
    const now = h.clock.now().toISOString();
    const first = await h.ctx.store.outbox.nextReply(now);
    const claimed = await h.ctx.store.outbox.claimReply(first!.id, { owner: 'test', until: '2999-01-01T00:00:00.000Z' }, now);
    expect(claimed!.text.body).toBe(order[0]);
    expect(await h.ctx.store.outbox.nextReply(now)).toBeNull();
    await h.ctx.store.outbox.recordResults([{ item: claimed!, outcome: { kind: 'ok', sid: 'SM' + 'f'.repeat(32), status: 'queued' } }], h.ctx.newId, now);

    await h.dispatcher.runUntilIdle();
    expect(sentBodies(h.fake).map((m) => m.body)).toEqual([order[1]]);
    await h.dispatcher.runUntilIdle();
    const rows = h.ctx.db.sqlite.prepare("SELECT body, status FROM outbound_messages WHERE kind = 'reply' AND purpose = 'reply' AND inbound_id IS NULL ORDER BY created_at, rowid").all();
    expect(rows).toEqual([{ body: order[0], status: 'accepted' }, { body: order[1], status: 'accepted' }]);
  });

  test('two replies sent by the dispatcher reach Twilio one after the other', async () => {
    const contactId = await threadFrom(11);
    h.fake.latencyMs = 30;
    await Promise.all([
      api.post(`/api/inbox/${contactId}/replies`, { body: 'one' }),
      api.post(`/api/inbox/${contactId}/replies`, { body: 'two' }),
      api.post(`/api/inbox/${contactId}/replies`, { body: 'three' }),
    ]);
    await h.dispatcher.runUntilIdle();
    const creates = h.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'));
    // In the order written: on SQLite that is the order the requests came in; on PostgreSQL three
    // requests at once are written in whatever order their transactions reach the row lock.
    const written = (h.ctx.db.sqlite.prepare("SELECT body FROM outbound_messages WHERE inbound_id IS NULL AND kind = 'reply' AND body IN ('one', 'two', 'three') ORDER BY created_at, rowid").all() as { body: string }[]).map((r) => r.body);
    if (TEST_ENGINE !== 'postgres') expect(written).toEqual(['one', 'two', 'three']);
    expect(creates.map((r) => r.params.Body)).toEqual(written);
    expect(h.fake.messagesTo(phone(11))).toHaveLength(3);
  });

  test('volunteer scope: unassigned and own threads only, masked phones; another person\'s thread is 403', async () => {
    const mine = await threadFrom(12);
    const theirs = await threadFrom(13);
    const open = await threadFrom(14);
    expect((await api.post(`/api/inbox/${theirs}/assign`, { assignee: 'user:someone-else' })).status).toBe(200);
    const vol = volunteer();
    expect((await vol.post(`/api/inbox/${mine}/assign`, { assignee: 'token:volunteer' })).body).toMatchObject({ assignee: 'token:volunteer' });

    const list = (await vol.get('/api/inbox')).body.threads;
    expect(list.map((t: { contactId: string }) => t.contactId).sort()).toEqual([mine, open].sort());
    expect(list[0].phone).toMatch(/^\+1312\*\*\*\d{4}$/);
    expect((await vol.get('/api/inbox?assigned=me')).body.threads.map((t: { contactId: string }) => t.contactId)).toEqual([mine]);
    expect((await vol.get('/api/inbox?assigned=none')).body.threads.map((t: { contactId: string }) => t.contactId)).toEqual([open]);

    const before = outboundCount();
    expect((await vol.get(`/api/inbox/${theirs}`)).status).toBe(403);
    expect((await vol.post(`/api/inbox/${theirs}/replies`, { body: 'hi' })).status).toBe(403);
    expect((await vol.post(`/api/inbox/${theirs}/done`)).status).toBe(403);
    expect((await vol.post(`/api/inbox/${theirs}/assign`, { assignee: 'token:volunteer' })).status).toBe(403);
    expect((await vol.post(`/api/inbox/${open}/assign`, { assignee: 'user:x' })).status).toBe(403);
    expect((await vol.post('/api/inbox/split', { assignees: ['token:volunteer'] })).status).toBe(403);
    expect((await vol.post('/api/canned-responses', { title: 'x', body: 'y' })).status).toBe(403);
    expect(outboundCount()).toBe(before);

    expect((await vol.get(`/api/inbox/${mine}`)).body.phone).not.toBe(phone(12));
    expect((await vol.post(`/api/inbox/${open}/replies`, { body: 'On my way' })).status).toBe(202);
    // A contact without a thread is not the volunteer's to browse.
    const plain = h.addContact({ phone: phone(15) });
    expect((await vol.get(`/api/inbox/${plain}`)).status).toBe(404);
    expect((await api.get(`/api/inbox/${plain}`)).body).toMatchObject({ hasThread: false });
    // Organizers' other routes stay closed to volunteers.
    expect((await vol.get('/api/campaigns')).status).toBe(403);
  });

  test('done threads reopen when the supporter writes again; filters by status and campaign', async () => {
    const contactId = await threadFrom(16);
    expect((await api.post(`/api/inbox/${contactId}/done`)).body).toMatchObject({ status: 'done' });
    expect((await api.get('/api/inbox?status=open')).body.threads).toEqual([]);
    expect((await api.get('/api/inbox?status=done')).body.threads).toHaveLength(1);
    h.clock.advance(60_000);
    await text(h.app, phone(16), 'one more thing');
    expect((await api.get('/api/inbox?status=open')).body.threads).toEqual([expect.objectContaining({ contactId, status: 'open', unread: 2 })]);
    expect((await api.get(`/api/inbox?campaign=${h.demoCampaignId}`)).body.threads).toHaveLength(1);
    expect((await api.get('/api/inbox?campaign=other')).body.threads).toHaveLength(0);
    expect((await api.get('/api/inbox?status=closed')).status).toBe(400);
    expect((await api.get('/api/inbox?assigned=someone')).status).toBe(400);
  });

  test('newest first; split unassigned threads round robin or by count; next opens the oldest unread of mine', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await threadFrom(20 + i));
      h.clock.advance(60_000);
    }
    expect((await api.get('/api/inbox')).body.threads.map((t: { contactId: string }) => t.contactId)).toEqual([...ids].reverse());

    const byCount = await api.post('/api/inbox/split', { assignees: ['user:a', 'user:b'], mode: 'count', count: 1 });
    expect(byCount.body).toEqual({ assigned: { 'user:a': 1, 'user:b': 1 }, total: 2, assignees: [{ id: 'user:a', name: 'user:a' }, { id: 'user:b', name: 'user:b' }] });
    const rr = await api.post('/api/inbox/split', { assignees: ['token:volunteer', 'user:a'], mode: 'round_robin' });
    expect(rr.body).toEqual({ assigned: { 'token:volunteer': 2, 'user:a': 1 }, total: 3, assignees: [{ id: 'token:volunteer', name: 'Volunteer token' }, { id: 'user:a', name: 'user:a' }] });
    const assignees = Object.fromEntries((await api.get('/api/inbox')).body.threads.map((t: { contactId: string; assignee: string }) => [t.contactId, t.assignee]));
    expect(ids.map((id) => assignees[id])).toEqual(['user:a', 'user:b', 'token:volunteer', 'user:a', 'token:volunteer']);
    expect((await api.post('/api/inbox/split', { assignees: ['user:a'], mode: 'count' })).status).toBe(400);
    expect((await api.post('/api/inbox/split', { assignees: [] })).status).toBe(400);

    const vol = volunteer();
    expect((await vol.get('/api/inbox/next')).body.thread).toMatchObject({ contactId: ids[2] });
    await vol.get(`/api/inbox/${ids[2]}`);
    expect((await vol.get('/api/inbox/next')).body.thread).toMatchObject({ contactId: ids[4] });
    await vol.get(`/api/inbox/${ids[4]}`);
    expect((await vol.get('/api/inbox/next')).body.thread).toBeNull();
  });

  test('canned responses: organizers define them with merge fields; the thread shows them filled in', async () => {
    const bad = await api.post('/api/canned-responses', { title: 'Parking', body: 'Hi {{nickname}}' });
    expect(bad.status).toBe(400);
    const created = await api.post('/api/canned-responses', { title: 'Parking', body: 'Hi {{first_name|friend}}! Park on Elm St. {{program}}' });
    expect(created.status).toBe(201);
    const contactId = await threadFrom(30);
    const nameless = await threadFrom(31, 'hey', null);
    expect((await volunteer().get('/api/canned-responses')).body.cannedResponses).toEqual([expect.objectContaining({ title: 'Parking' })]);
    expect((await api.get(`/api/inbox/${contactId}`)).body.canned).toEqual([{ id: created.body.id, title: 'Parking', text: 'Hi Ana! Park on Elm St. Rally Alerts' }]);
    expect((await api.get(`/api/inbox/${nameless}`)).body.canned[0].text).toBe('Hi friend! Park on Elm St. Rally Alerts');
    expect((await api.delete(`/api/canned-responses/${created.body.id}`)).status).toBe(204);
    expect((await api.delete(`/api/canned-responses/${created.body.id}`)).status).toBe(404);
    expect((await api.get('/api/canned-responses')).body.cannedResponses).toEqual([]);
  });

  test('live stream: a text arriving is announced to organizers, and to volunteers only for threads they may see', async () => {
    const adminStream = await SseClient.open(`${h.baseUrl}/api/inbox/events`, { Authorization: `Bearer ${ADMIN_TOKEN}` });
    const volStream = await SseClient.open(`${h.baseUrl}/api/inbox/events`, { Authorization: `Bearer ${VOLUNTEER_TOKEN}` });
    expect([adminStream.status, volStream.status]).toEqual([200, 200]);
    try {
      const taken = await threadFrom(40);
      await api.post(`/api/inbox/${taken}/assign`, { assignee: 'user:someone' });
      await text(h.app, phone(40), 'second');
      const open = await threadFrom(41);
      await adminStream.client.waitFor((d: { contactId: string; reason: string }) => d.contactId === taken && d.reason === 'text', 5000, 1, 'thread');
      await volStream.client.waitFor((d: { contactId: string }) => d.contactId === open, 5000, 0, 'thread');
      const volSaw = volStream.client.events.map((e) => JSON.parse(e.data) as { contactId: string; reason: string });
      expect(volSaw.filter((e) => e.contactId === taken && e.reason !== 'text')).toEqual([]);
      expect(volSaw.filter((e) => e.contactId === taken).length).toBe(1); // its first text, before it was assigned
      expect(volStream.client.raw).not.toContain(phone(40));
    } finally {
      adminStream.client.close();
      volStream.client.close();
    }
    const noAuth = await SseClient.open(`${h.baseUrl}/api/inbox/events`);
    expect(noAuth.status).toBe(401);
  });
});
