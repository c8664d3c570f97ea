/**
 * Claims and leases on one database: two dispatchers (two connections, two owners) never send a
 * recipient twice; work left in flight by a dead dispatcher is looked up at Twilio and then
 * adopted or sent, exactly once; a live dispatcher's fresh lease is left alone.
 * (test/broadcast/process.test.ts does the same with real processes and SIGKILL.)
 */
import twilio from 'twilio';
import type { Audience } from '../../src/core/audience';
import { addMs } from '../../src/core/sending';
import { snapshotAudience } from '../../src/usecases/broadcasts/audience';
import { VirtualTimer } from '../../src/usecases/broadcasts/rate-limiter';
import { createDispatcher } from '../../src/wiring/broadcasts';
import { NodeTransport } from '../../src/twilio/http-transport';
import { ACCOUNT_SID, AUTH_TOKEN, quietLogger, secondContext } from '../helpers/app';
import { broadcastHarness, phone, type BroadcastHarness } from '../helpers/broadcast';

describe('leases', () => {
  let h: BroadcastHarness;
  beforeEach(async () => {
    h = await broadcastHarness();
  });
  afterEach(() => h.shutdown());

  test('two dispatchers on one database, running at once, send each recipient exactly once', async () => {
    const n = 120;
    for (let i = 0; i < n; i++) h.addContact({ phone: phone(i) });
    h.fake.latencyMs = 2; // keep several requests in flight in both dispatchers
    const b = await h.sendNow({ name: 'x', template: 'Hi', audience: { campaigns: [h.demoCampaignId] } });
    // A second process would have its own connection, clock reading and owner id.
    const other = secondContext(h.config, quietLogger(), { clock: h.clock, newId: h.ctx.newId });
    try {
      const one = h.newDispatcher({ rateMps: null, concurrency: 4 });
      const two = createDispatcher(other, { rateMps: null, concurrency: 4, timer: new VirtualTimer(), ownerGone: () => false });
      expect(one.owner).not.toBe(two.owner);
      const [r1, r2] = await Promise.all([one.runUntilIdle(), two.runUntilIdle()]);
      expect(r1.sent + r2.sent).toBe(n);
      expect(r1.sent).toBeGreaterThan(0);
      expect(r2.sent).toBeGreaterThan(0);
      expect(h.fake.createdCount).toBe(n);
      expect([...h.fake.createdPerNumber.values()].every((c) => c === 1)).toBe(true);
      expect(h.fake.createdPerNumber.size).toBe(n);
      expect((await h.status(b.id)).counts).toMatchObject({ total: n, queued: n, unknown: 0 });
      await Promise.all([one.stop(), two.stop()]);
    } finally {
      other.store.close();
    }
  });

  async function claimAsDeadDispatcher(owner: string, count: number, leaseMs = 60_000) {
    const b = await h.sendNow({ name: 'crashed', template: 'Hi', audience: { campaigns: [h.demoCampaignId] } });
    const row = h.ctx.db.first(h.ctx.db.db.selectFrom('broadcasts').selectAll().where('id', '=', b.id))!;
    await snapshotAudience(h.ctx.store, b.id, JSON.parse(row.audience) as Audience, () => h.clock.now().toISOString());
    const plan = { id: b.id, template: row.template, footer: null, campaigns: await h.ctx.store.broadcasts.campaignInfo([h.demoCampaignId]) };
    const now = h.clock.now().toISOString();
    const { items } = await h.ctx.store.outbox.claimBulk(plan, null, count, { owner, until: addMs(now, leaseMs) }, h.ctx.newId, now);
    expect(items).toHaveLength(count);
    return { broadcastId: b.id, items };
  }

  test('work a dead dispatcher left in flight is looked up: what reached Twilio is adopted, the rest is sent once', async () => {
    for (let i = 0; i < 6; i++) h.addContact({ phone: phone(i) });
    const deadOwner = 'dead-host/424242/0badc0de';
    const { broadcastId, items } = await claimAsDeadDispatcher(deadOwner, 4);
    // Two of its four requests reached Twilio before it died.
    const raw = twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new NodeTransport({ baseUrl: h.fake.url }) });
    const reached = await Promise.all(items.slice(0, 2).map((it) => raw.messages.create({ to: it.text.to, from: it.text.from, body: it.text.body })));

    // Same host would be checked with kill(pid, 0); here the test says who is gone.
    const d = h.newDispatcher({ ownerGone: (o) => o === deadOwner });
    const report = await d.runUntilIdle();
    await d.stop();
    expect(report.recovered).toBe(4);
    expect(report.reconciled).toBe(4);

    expect(h.fake.createdCount).toBe(6);
    expect([...h.fake.createdPerNumber.values()].every((c) => c === 1)).toBe(true);
    const rows = h.ctx.db.all(h.ctx.db.db.selectFrom('broadcast_recipients').selectAll().where('broadcast_id', '=', broadcastId));
    expect(rows.every((r) => r.status === 'queued' && r.lease_owner === null)).toBe(true);
    for (const m of reached) expect(rows.find((r) => r.twilio_sid === m.sid)).toBeDefined();
    expect((await h.status(broadcastId)).status).toBe('done');
  });

  test('a live dispatcher keeps its rows until its lease expires; then they are reconciled', async () => {
    for (let i = 0; i < 3; i++) h.addContact({ phone: phone(i) });
    const liveOwner = 'other-host/1/feedface';
    const { broadcastId } = await claimAsDeadDispatcher(liveOwner, 2, 30_000);
    await h.dispatcher.runUntilIdle();
    let rows = h.ctx.db.all(h.ctx.db.db.selectFrom('broadcast_recipients').selectAll().where('broadcast_id', '=', broadcastId));
    expect(rows.filter((r) => r.status === 'sending' && r.lease_owner === liveOwner)).toHaveLength(2);
    expect(h.fake.createdCount).toBe(1); // only the unclaimed one
    expect((await h.status(broadcastId)).status).toBe('sending');

    h.clock.advance(31_000);
    await h.dispatcher.runUntilIdle();
    rows = h.ctx.db.all(h.ctx.db.db.selectFrom('broadcast_recipients').selectAll().where('broadcast_id', '=', broadcastId));
    expect(rows.every((r) => r.status === 'queued')).toBe(true);
    expect(h.fake.createdCount).toBe(3);
    expect((await h.status(broadcastId)).status).toBe('done');
  });

  test('the audience snapshot can be re-run after a crash without duplicating anyone', async () => {
    for (let i = 0; i < 5; i++) h.addContact({ phone: phone(i) });
    const b = await h.createBroadcast({ name: 'x', template: 'Hi', audience: { campaigns: [h.demoCampaignId] } });
    const audience = b.audience as Audience;
    const at = () => h.clock.now().toISOString();
    expect(await snapshotAudience(h.ctx.store, b.id, audience, at, 2)).toBe(5);
    expect(await snapshotAudience(h.ctx.store, b.id, audience, at, 3)).toBe(5);
    const rows = h.ctx.db.all(h.ctx.db.db.selectFrom('broadcast_recipients').select('contact_id').where('broadcast_id', '=', b.id));
    expect(new Set(rows.map((r) => r.contact_id)).size).toBe(5);
  });
});
