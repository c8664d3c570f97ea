/** The organizers' campaign API: auth, CRUD, zod paths for invalid flows, keyword conflicts. */
import request from 'supertest';
import { DEMO_FLOW } from '../../src/core/flow';
import { ADMIN_TOKEN, VOLUNTEER_TOKEN, admin, testApp, text, type TestApp } from '../helpers/app';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

const newCampaign = (over: Record<string, unknown> = {}) => ({
  name: 'Canvass kickoff', programName: 'Team Doors', sender: '62262', supportContact: 'doors@example.org',
  keywords: [{ word: 'doors', aliases: ['knock'] }], flow: DEMO_FLOW, ...over,
});

describe('auth', () => {
  test.each([
    ['no header', undefined],
    ['wrong token', 'Bearer not-the-admin-token-xyz'],
    ['not bearer', `Basic ${ADMIN_TOKEN}`],
    ['empty bearer', 'Bearer '],
  ])('%s → 401', async (_label, header) => {
    const req = request(t.app).get('/api/campaigns');
    const res = await (header ? req.set('Authorization', header) : req);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('the volunteer token may not manage campaigns (403)', async () => {
    const res = await request(t.app).get('/api/campaigns').set('Authorization', `Bearer ${VOLUNTEER_TOKEN}`);
    expect(res.status).toBe(403);
  });
});

describe('campaign CRUD', () => {
  it('lists the demo campaign with id, name, sender and keywords', async () => {
    const res = await admin(t.app).get('/api/campaigns');
    expect(res.status).toBe(200);
    expect(res.body.campaigns).toEqual([
      expect.objectContaining({ id: expect.any(String), name: 'Demo rally', sender: '62262', keywords: [{ word: 'JOIN', aliases: ['RALLY'] }] }),
    ]);
  });

  it('creates, reads, replaces and deactivates a campaign; keywords answer at once', async () => {
    const created = await admin(t.app).post('/api/campaigns', newCampaign());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ programName: 'Team Doors', keywords: [{ word: 'DOORS', aliases: ['KNOCK'] }], expiryHours: 24, active: true });
    const id = created.body.id as string;

    expect((await text(t.app, '+13125550100', 'knock'))[0]).toMatch(/^Team Doors: Thanks for joining!/);

    const got = await admin(t.app).get(`/api/campaigns/${id}`);
    expect(got.body.flow.steps).toHaveLength(4);

    const put = await admin(t.app).put(`/api/campaigns/${id}`, newCampaign({ programName: 'Doors Team', keywords: [{ word: 'KNOCK', aliases: [] }], expiryHours: 2 }));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ programName: 'Doors Team', keywords: [{ word: 'KNOCK', aliases: [] }], expiryHours: 2 });
    expect((await text(t.app, '+13125550101', 'doors'))[0]).toMatch(/^Rally Alerts: Text JOIN/);

    const del = await admin(t.app).delete(`/api/campaigns/${id}`);
    expect(del.body.active).toBe(false);
    expect((await text(t.app, '+13125550102', 'knock'))[0]).toMatch(/^Rally Alerts: Text JOIN/);
    const list = await admin(t.app).get('/api/campaigns');
    expect(list.body.campaigns.map((c: { id: string }) => c.id)).not.toContain(id);
    const all = await admin(t.app).get('/api/campaigns?all=1');
    expect(all.body.campaigns.map((c: { id: string }) => c.id)).toContain(id);
    // A deactivated campaign's keywords are free again.
    expect((await admin(t.app).post('/api/campaigns', newCampaign({ keywords: [{ word: 'KNOCK' }] }))).status).toBe(201);
  });

  it('404 for an unknown campaign', async () => {
    expect((await admin(t.app).get('/api/campaigns/nope')).status).toBe(404);
    expect((await admin(t.app).put('/api/campaigns/nope', newCampaign())).status).toBe(404);
    expect((await admin(t.app).delete('/api/campaigns/nope')).status).toBe(404);
  });

  it('sets tonight\'s pledge goal', async () => {
    const id = (await admin(t.app).get('/api/campaigns')).body.campaigns[0].id;
    const res = await admin(t.app).put(`/api/campaigns/${id}/goal`, { goalCents: 2_500_000 });
    expect(res.body.goalCents).toBe(2_500_000);
    expect((await admin(t.app).put(`/api/campaigns/${id}/goal`, { goalCents: -1 })).status).toBe(400);
  });
});

describe('validation', () => {
  it('an invalid flow → 400 with the zod path of each problem', async () => {
    const flow = JSON.parse(JSON.stringify(DEMO_FLOW));
    flow.steps[1].prompt = '';
    flow.steps[2].validate = { type: 'money', minCents: 500, maxCents: 100 };
    flow.steps[3].reprompt = 'Hi {{nickname}}';
    const res = await admin(t.app).post('/api/campaigns', newCampaign({ flow }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['flow.steps.1.prompt', 'flow.steps.2.validate.maxCents']));
  });

  it('merge-field problems are reported once the shape is right', async () => {
    const flow = JSON.parse(JSON.stringify(DEMO_FLOW));
    flow.steps[3].reprompt = 'Hi {{nickname}}';
    const res = await admin(t.app).post('/api/campaigns', newCampaign({ flow }));
    expect(res.body.error.details).toContainEqual({ path: 'flow.steps.3.reprompt', message: expect.stringContaining('{{nickname}}') });
  });

  test.each([
    ['a bad sender', { sender: '555' }, 'sender'],
    ['a reserved keyword', { keywords: [{ word: 'STOP' }] }, 'keywords.0.word'],
    ['a keyword listed twice', { keywords: [{ word: 'DOORS', aliases: ['doors!'] }] }, 'keywords.0.aliases.0'],
    ['no keywords', { keywords: [] }, 'keywords'],
    ['help text without STOP', { helpText: 'Call us anytime' }, 'helpText'],
    ['a missing program name', { programName: undefined }, 'programName'],
  ])('%s → 400 at %s', async (_label, over, path) => {
    const res = await admin(t.app).post('/api/campaigns', newCampaign(over));
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('a malformed JSON body → 400, not 500', async () => {
    const res = await request(t.app).post('/api/campaigns').set('Authorization', `Bearer ${ADMIN_TOKEN}`).set('Content-Type', 'application/json').send('{"name": ');
    expect(res.status).toBe(400);
  });

  it('a keyword already used on the sender → 409 naming the campaign; nothing half-written', async () => {
    const res = await admin(t.app).post('/api/campaigns', newCampaign({ keywords: [{ word: 'DOORS', aliases: ['rally'] }] }));
    expect(res.status).toBe(409);
    expect(res.body.error.details).toEqual([{ path: 'keywords', message: '"RALLY" is used by campaign "Demo rally"' }]);
    const n = t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM campaigns').get() as { n: number };
    expect(n.n).toBe(1);
  });

  it('the same keyword on another sender is fine', async () => {
    const res = await admin(t.app).post('/api/campaigns', newCampaign({ sender: '+13125550199', keywords: [{ word: 'JOIN' }] }));
    expect(res.status).toBe(201);
  });
});
