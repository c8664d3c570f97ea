/**
 * Every numeric campaign setting has one schema and a sane range, wherever it is set: create,
 * replace, PUT …/goal. JSON's 1e400 parses as Infinity and used to be stored as such (the live
 * page showed "$∞.NaN"); expiryHours 1e-9 expired every conversation at once.
 */
import request from 'supertest';
import { DEMO_FLOW } from '../../src/core/flow';
import { ADMIN_TOKEN, admin, testApp, type TestApp, TEST_ENGINE } from '../helpers/app';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

const campaign = (over: Record<string, unknown> = {}) => ({
  name: 'Canvass kickoff', programName: 'Team Doors', sender: '62262', supportContact: 'doors@example.org',
  keywords: [{ word: 'doors', aliases: [] }], flow: DEMO_FLOW, ...over,
});

/** A JSON body as written, so numbers like 1e400 reach the server unrounded. */
function raw(method: 'post' | 'put', path: string, json: string) {
  return request(t.app)[method](path).set('Authorization', `Bearer ${ADMIN_TOKEN}`).set('Content-Type', 'application/json').send(json);
}

/** The campaign body with one numeric field spliced in verbatim. */
function withNumber(field: string, literal: string): string {
  return JSON.stringify(campaign({ [field]: '@@' })).replace('"@@"', literal);
}

/** The distinct paths of a 400's problems. */
const paths = (res: request.Response) => [...new Set((res.body.error.details as { path: string }[]).map((d) => d.path))];

const countCampaigns = () => (t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM campaigns').get() as { n: number }).n;

describe('goalCents', () => {
  test.each(['1e400', '-1e400', '1e300', '1000000001', '-1', '2500.5'])('POST /api/campaigns with goalCents %s is a 400 at goalCents, nothing stored', async (literal) => {
    const before = countCampaigns();
    const res = await raw('post', '/api/campaigns', withNumber('goalCents', literal));
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['goalCents']);
    expect(countCampaigns()).toBe(before);
  });

  test('POST keeps a sane goal, and 0 when none is given', async () => {
    const withGoal = await raw('post', '/api/campaigns', withNumber('goalCents', '2500000'));
    expect(withGoal.status).toBe(201);
    expect(withGoal.body.goalCents).toBe(2_500_000);
    const none = await admin(t.app).post('/api/campaigns', campaign({ name: 'Other', keywords: [{ word: 'OTHER' }] }));
    expect(none.body.goalCents).toBe(0);
  });

  test('PUT …/goal and PUT (replace) use the same schema; a replace without goalCents keeps the goal', async () => {
    const id = (await admin(t.app).post('/api/campaigns', campaign({ goalCents: 100 }))).body.id as string;
    for (const literal of ['1e400', '1e300', '-1']) {
      expect((await raw('put', `/api/campaigns/${id}/goal`, `{"goalCents": ${literal}}`)).status).toBe(400);
      const replaced = await raw('put', `/api/campaigns/${id}`, withNumber('goalCents', literal));
      expect(replaced.status).toBe(400);
      expect(paths(replaced)).toEqual(['goalCents']);
    }
    expect((await admin(t.app).put(`/api/campaigns/${id}`, campaign({ goalCents: 7_000 }))).body.goalCents).toBe(7_000);
    expect((await admin(t.app).put(`/api/campaigns/${id}`, campaign())).body.goalCents).toBe(7_000);
    const typeOf = TEST_ENGINE === 'postgres' ? 'pg_typeof(goal_cents)::text' : 'typeof(goal_cents)';
    const stored = t.ctx.db.sqlite.prepare(`SELECT goal_cents, ${typeOf} AS type FROM campaigns WHERE id = ?`).get(id);
    expect(stored).toEqual({ goal_cents: 7_000, type: 'integer' });
  });
});

describe('expiryHours and the flow numbers', () => {
  test.each([
    ['expiryHours', '1e-9'], ['expiryHours', '0.5'], ['expiryHours', '1e400'], ['expiryHours', '721'], ['expiryHours', '-24'],
  ])('%s = %s is a 400 on create and replace', async (field, literal) => {
    expect((await raw('post', '/api/campaigns', withNumber(field, literal))).status).toBe(400);
    const demo = (await admin(t.app).get('/api/campaigns')).body.campaigns[0].id as string;
    const res = await raw('put', `/api/campaigns/${demo}`, withNumber(field, literal).replace('"doors"', '"JOIN"'));
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual([field]);
  });

  test('expiryHours from 1 to 720 is accepted', async () => {
    expect((await admin(t.app).post('/api/campaigns', campaign({ expiryHours: 1 }))).body.expiryHours).toBe(1);
    expect((await admin(t.app).post('/api/campaigns', campaign({ expiryHours: 720, name: 'B', keywords: [{ word: 'LONG' }] }))).status).toBe(201);
  });

  test('money bounds beyond $10,000,000 (or infinite) are refused by path', async () => {
    const flow = JSON.stringify(campaign()).replace('"maxCents":270000', '"maxCents":1e400');
    expect(flow).toContain('1e400');
    const res = await raw('post', '/api/campaigns', flow);
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['flow.steps.2.validate.maxCents']);
  });
});
