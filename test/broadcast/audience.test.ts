/**
 * Audience filters through the real API and database: who is in, who never is, and one text per
 * contact across campaigns (from the first listed campaign they belong to).
 */
import { admin } from '../helpers/app';
import { broadcastHarness, phone, sentBodies, type BroadcastHarness } from '../helpers/broadcast';
import { DEMO_FLOW } from '../../src/core/flow';

describe('broadcast audience', () => {
  let h: BroadcastHarness;
  let second: string;
  beforeEach(async () => {
    h = await broadcastHarness();
    const res = await admin(h.app).post('/api/campaigns', {
      name: 'Canvass', programName: 'Canvass Crew', sender: '+13125550199', keywords: [{ word: 'CANVASS', aliases: ['DOORS'] }],
      supportContact: 'help@rally.example', flow: DEMO_FLOW,
    });
    expect(res.status).toBe(201);
    second = res.body.id;
  });
  afterEach(() => h.shutdown());

  async function audienceCount(audience: Record<string, unknown>): Promise<number> {
    const res = await admin(h.app).post('/api/broadcasts/preview', { template: 'Hi', audience });
    expect(res.status).toBe(200);
    return res.body.recipients;
  }

  test('only subscribed, deliverable, real contacts: never opted-out, pending, undeliverable or test numbers', async () => {
    h.addContact({ phone: phone(1) });
    h.addContact({ phone: phone(2), status: 'opted_out' });
    h.addContact({ phone: phone(3), status: 'pending' });
    h.addContact({ phone: phone(4), undeliverable: true });
    h.addContact({ phone: phone(5), isTest: true });
    h.addContact({ phone: phone(6), campaigns: [second] });
    expect(await audienceCount({ campaigns: [h.demoCampaignId] })).toBe(1);
    await h.sendNow({ name: 'x', template: 'Hi', audience: { campaigns: [h.demoCampaignId] } });
    await h.dispatcher.runUntilIdle();
    expect(sentBodies(h.fake).map((s) => s.to)).toEqual([phone(1)]);
  });

  test('a contact in several matching campaigns gets ONE text, from the first listed campaign', async () => {
    h.addContact({ phone: phone(1), firstName: 'Both', campaigns: [h.demoCampaignId, { campaign: second, keyword: 'CANVASS' }] });
    h.addContact({ phone: phone(2), campaigns: [{ campaign: second, keyword: 'CANVASS' }] });
    h.addContact({ phone: phone(3) });
    expect(await audienceCount({ campaigns: [second, h.demoCampaignId] })).toBe(3);
    const b = await h.sendNow({ name: 'x', template: '{{program}}: hi {{first_name|you}}', footer: false, audience: { campaigns: [second, h.demoCampaignId] } });
    await h.dispatcher.runUntilIdle();
    const sent = sentBodies(h.fake).sort((a, z) => a.to.localeCompare(z.to));
    expect(sent).toEqual([
      { to: phone(1), from: '+13125550199', body: 'Canvass Crew: hi Both' },
      { to: phone(2), from: '+13125550199', body: 'Canvass Crew: hi you' },
      { to: phone(3), from: '62262', body: 'Rally Alerts: hi you' },
    ]);
    expect((await h.status(b.id)).recipients).toBe(3);
  });

  test('keyword (aliases map to their keyword), pledged or not, completed or not', async () => {
    h.addContact({ phone: phone(1), campaigns: [{ campaign: second, keyword: 'CANVASS', completed: true }], pledgedIn: [second] });
    h.addContact({ phone: phone(2), campaigns: [{ campaign: second, keyword: 'CANVASS' }] });
    h.addContact({ phone: phone(3), campaigns: [{ campaign: h.demoCampaignId, keyword: 'JOIN', completed: true }], pledgedIn: [h.demoCampaignId] });
    // pledged in a campaign outside the audience does not count
    h.addContact({ phone: phone(4), campaigns: [{ campaign: second, keyword: 'CANVASS' }], pledgedIn: [h.demoCampaignId] });
    const both = [h.demoCampaignId, second];
    expect(await audienceCount({ campaigns: both })).toBe(4);
    expect(await audienceCount({ campaigns: both, keyword: 'doors' })).toBe(3);
    expect(await audienceCount({ campaigns: both, keywords: ['JOIN'] })).toBe(1);
    expect(await audienceCount({ campaigns: both, pledged: true })).toBe(3);
    expect(await audienceCount({ campaigns: [second], pledged: true })).toBe(1);
    expect(await audienceCount({ campaigns: [second], pledged: false })).toBe(2);
    expect(await audienceCount({ campaigns: both, completed: true })).toBe(2);
    expect(await audienceCount({ campaigns: both, completed: false })).toBe(2);
    expect(await audienceCount({ campaigns: [second], completed: false, pledged: false })).toBe(2);
  });

  test('ZIP prefix, and state from the ZIP (else from the carrier-reported state)', async () => {
    h.addContact({ phone: phone(1), zip: '60614' }); // Chicago, IL
    h.addContact({ phone: phone(2), zip: '60047' }); // IL
    h.addContact({ phone: phone(3), zip: '53703' }); // Madison, WI
    h.addContact({ phone: phone(4), fromState: 'IL' }); // no ZIP: carrier says IL
    h.addContact({ phone: phone(5), zip: '53703', fromState: 'IL' }); // ZIP wins: WI
    const c = [h.demoCampaignId];
    expect(await audienceCount({ campaigns: c, zipPrefix: '606' })).toBe(1);
    expect(await audienceCount({ campaigns: c, zipPrefix: '60' })).toBe(2);
    expect(await audienceCount({ campaigns: c, state: 'il' })).toBe(3);
    expect(await audienceCount({ campaigns: c, state: 'WI' })).toBe(2);
  });

  test('joined between two times (after inclusive, before exclusive)', async () => {
    h.addContact({ phone: phone(1), campaigns: [{ campaign: h.demoCampaignId, joinedAt: '2026-11-21T18:00:00.000Z' }] });
    h.addContact({ phone: phone(2), campaigns: [{ campaign: h.demoCampaignId, joinedAt: '2026-11-21T19:30:00.000Z' }] });
    h.addContact({ phone: phone(3), campaigns: [{ campaign: h.demoCampaignId, joinedAt: '2026-11-21T21:00:00.000Z' }] });
    const c = [h.demoCampaignId];
    expect(await audienceCount({ campaigns: c, joinedAfter: '2026-11-21T18:00:00Z' })).toBe(3);
    expect(await audienceCount({ campaigns: c, joinedAfter: '2026-11-21T18:00:01Z' })).toBe(2);
    expect(await audienceCount({ campaigns: c, joinedAfter: '2026-11-21T12:00:00-06:00', joinedBefore: '2026-11-21T21:00:00Z' })).toBe(2);
    expect(await audienceCount({ campaigns: c, joinedBefore: '2026-11-21' })).toBe(0);
  });

  test('bad audiences are precise 400s, never a broadcast to everyone', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ campaigns: [h.demoCampaignId], zip_prefix: '606' }, 'audience'],
      [{ campaigns: [] }, 'audience.campaigns'],
      [{}, 'audience.campaigns'],
      [{ campaigns: ['nope'] }, 'audience.campaigns.0'],
      [{ campaigns: [h.demoCampaignId], zipPrefix: '6o6' }, 'audience.zipPrefix'],
      [{ campaigns: [h.demoCampaignId], state: 'XX' }, 'audience.state'],
      [{ campaigns: [h.demoCampaignId], joinedAfter: 'yesterday' }, 'audience.joinedAfter'],
      [{ campaigns: [h.demoCampaignId], joinedAfter: '2026-11-22T00:00:00Z', joinedBefore: '2026-11-21T00:00:00Z' }, 'audience.joinedBefore'],
      [{ campaigns: [h.demoCampaignId], pledged: 'yes' }, 'audience.pledged'],
      [{ campaigns: [h.demoCampaignId], keyword: 'CANVASS' }, 'audience.keywords.0'],
      [undefined as unknown as Record<string, unknown>, 'audience'],
    ];
    for (const [audience, path] of cases) {
      const res = await admin(h.app).post('/api/broadcasts', { name: 'x', template: 'Hi', audience });
      expect({ audience, status: res.status, code: res.body.error?.code }).toEqual({ audience, status: 400, code: 'validation_failed' });
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(h.ctx.db.all(h.ctx.db.db.selectFrom('broadcasts').select('id'))).toHaveLength(0);
  });

  test('an inactive campaign cannot be broadcast to (STOP replies to its sender would reach no one)', async () => {
    await admin(h.app).delete(`/api/campaigns/${second}`);
    const res = await admin(h.app).post('/api/broadcasts', { name: 'x', template: 'Hi', audience: { campaigns: [second] } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].message).toMatch(/inactive/);
  });

  test('the snapshot is taken when sending starts: later subscribers are not added', async () => {
    h.addContact({ phone: phone(1) });
    const b = await h.createBroadcast({ name: 'x', template: 'Hi', audience: { campaigns: [h.demoCampaignId] } });
    h.addContact({ phone: phone(2) }); // joins before the send: included
    await admin(h.app).post(`/api/broadcasts/${b.id}/send`);
    await h.dispatcher.pass();
    h.addContact({ phone: phone(3) }); // joins after the snapshot: not included
    await h.dispatcher.runUntilIdle();
    expect(sentBodies(h.fake).map((s) => s.to).sort()).toEqual([phone(1), phone(2)]);
    expect((await h.status(b.id)).counts.total).toBe(2);
  });
});
