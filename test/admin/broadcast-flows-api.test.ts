/**
 * POST /api/broadcasts with a `flow`: bad flows are a 400 whose problems name their paths
 * (`flow.steps.1.branches.0.goto`), nothing is stored; good ones are 201 with the flow, its
 * first prompt as the text, and `answers: {}`. Then a fast-check fuzz: thousands of mangled flows
 * (seeded), every answer a 4xx with every problem under `flow` (or a 201 when the mangling left
 * a valid flow), never a 5xx. PATCH follows the same rules.
 */
import fc from 'fast-check';
import request from 'supertest';
import { ADMIN_TOKEN, admin, testApp, type TestApp } from '../helpers/app';

let t: TestApp;
let campaignId: string;
beforeAll(async () => {
  t = testApp();
  campaignId = (await admin(t.app).get('/api/campaigns')).body.campaigns[0].id;
});
afterAll(() => t.close());

const good = () => ({
  steps: [
    {
      id: 'canvass', prompt: 'Can you canvass Saturday, {{first_name|friend}}? YES or NO', capture: 'canvass_sat', validate: { type: 'yesno' },
      reprompt: 'Reply YES or NO', branches: [{ when: 'yes', goto: 'shift' }, { when: 'no', end: 'Thanks anyway' }],
    },
    {
      id: 'shift', prompt: 'Which shift? 1) am 2) pm', capture: 'shift', reprompt: 'Reply 1 or 2',
      validate: { type: 'choice', options: [{ value: 'am' }, { value: 'pm' }] },
    },
  ],
  completion: 'See you Saturday!',
});

const create = (flow: unknown, extra: Record<string, unknown> = {}) =>
  admin(t.app).post('/api/broadcasts', { name: 'Ask', audience: { campaigns: [campaignId] }, flow, ...extra });
const count = () => (t.ctx.db.sqlite.prepare('SELECT COUNT(*) AS n FROM broadcasts').get() as { n: number }).n;
const paths = (res: { body: { error: { details: { path: string }[] } } }) => res.body.error.details.map((d) => d.path);

test('a good flow is created: the first prompt is the text, answers start empty', async () => {
  const res = await create(good());
  expect(res.status).toBe(201);
  expect(res.body.template).toBe('Can you canvass Saturday, {{first_name|friend}}? YES or NO');
  expect(res.body.flow.steps[0].branches).toEqual([{ when: 'yes', goto: 'shift' }, { when: 'no', end: 'Thanks anyway' }]);
  expect(res.body.answers).toEqual({});
  const got = await admin(t.app).get(`/api/broadcasts/${res.body.id}`);
  expect(got.body.flow).toEqual(res.body.flow);
  expect(got.body.answers).toEqual({});
});

test.each<[string, (f: ReturnType<typeof good>) => unknown, Record<string, unknown>, string[]]>([
  ['a branch to a step that does not exist', (f) => ((f.steps[0]!.branches![0]!.goto = 'shfit'), f), {}, ['flow.steps.0.branches.0.goto']],
  ['a branch with both goto and end', (f) => ((f.steps[0]!.branches![1] = { when: 'no', goto: 'shift', end: 'Bye' } as never), f), {}, ['flow.steps.0.branches.1']],
  ['a branch on an answer the step cannot give', (f) => ((f.steps[0]!.branches![1]!.when = 'maybe'), f), {}, ['flow.steps.0.branches.1.when']],
  ['a branch on a free-text step', (f) => ((f.steps[1] = { ...f.steps[1]!, validate: { type: 'text' } as never, branches: [{ when: 'x', goto: 'canvass' }] } as never), f), {}, ['flow.steps.1.branches.0.when']],
  [
    'a loop with no way out',
    (f) => ((f.steps[1] = { ...f.steps[1]!, next: { goto: 'canvass' } } as never), (f.steps[0]!.branches![1] = { when: 'no', goto: 'shift' } as never), f),
    {}, ['flow.steps.0', 'flow.steps.1'],
  ],
  ['no steps', (f) => ({ ...f, steps: [] }), {}, ['flow.steps']],
  ['an unknown merge field in the question', (f) => ((f.steps[0]!.prompt = 'Hi {{nickname}}'), f), {}, ['flow.steps.0.prompt']],
  ['a question too long for one text with the footer', (f) => ((f.steps[0]!.prompt = 'x'.repeat(1595)), f), {}, ['flow.steps.0.prompt']],
  ['a flow and a template', (f) => f, { template: 'Hi' }, ['flow']],
  ['not an object', () => 'yes please', {}, ['flow']],
])('%s: 400 at %#', async (_name, mangle, extra, expected) => {
  const before = count();
  const res = await create(mangle(good()), extra);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(paths(res)).toEqual(expected);
  expect(count()).toBe(before);
});

test('neither template nor flow: 400 at template', async () => {
  const res = await admin(t.app).post('/api/broadcasts', { name: 'x', audience: { campaigns: [campaignId] } });
  expect(res.status).toBe(400);
  expect(paths(res)).toEqual(['template']);
});

test('PATCH: a flow replaces the text, a template on a broadcast that asks is refused, flow: null makes it plain', async () => {
  const b = (await create(good())).body as { id: string };
  const patch = (body: object) => request(t.app).patch(`/api/broadcasts/${b.id}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(body);
  const tpl = await patch({ template: 'Hi' });
  expect(tpl.status).toBe(400);
  expect(paths(tpl)).toEqual(['template']);
  const loop = good();
  loop.steps[0]!.branches![0]!.goto = 'nowhere';
  const badFlow = await patch({ flow: loop });
  expect(paths(badFlow)).toEqual(['flow.steps.0.branches.0.goto']);
  const f2 = good();
  f2.steps[0]!.prompt = 'Still coming Saturday?';
  const ok = await patch({ flow: f2 });
  expect(ok.status).toBe(200);
  expect(ok.body.template).toBe('Still coming Saturday?');
  const plain = await patch({ flow: null, template: 'Rally at 6' });
  expect(plain.status).toBe(200);
  expect(plain.body).toMatchObject({ template: 'Rally at 6', flow: null, answers: {} });
});

/** A random JSON path into the flow, and what to put there (or delete it). */
function mangleAt(root: unknown, keys: (string | number)[], value: unknown, remove: boolean): unknown {
  const copy = JSON.parse(JSON.stringify(root)) as unknown;
  let at = copy as Record<string, unknown>;
  for (let i = 0; i < keys.length; i++) {
    if (at === null || typeof at !== 'object') return copy;
    const entries = Object.keys(at);
    if (entries.length === 0) return copy;
    const key = entries[Number(keys[i]) % entries.length]!;
    if (i === keys.length - 1 || at[key] === null || typeof at[key] !== 'object') {
      if (remove) delete at[key];
      else at[key] = value;
      return copy;
    }
    at = at[key] as Record<string, unknown>;
  }
  return copy;
}

test('fuzz: mangled flows are a 4xx with every problem under flow (or a valid 201), never a 5xx', async () => {
  const ids = fc.constantFrom('canvass', 'shift', 'nowhere', 'Bad Id', '', 'constructor', '__proto__');
  const leaf = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    ids,
    fc.record({ goto: ids }),
    fc.record({ end: fc.string({ maxLength: 30 }) }),
    fc.array(fc.record({ when: fc.constantFrom('yes', 'no', 'am', 'pm', 'maybe', ''), goto: ids }, { requiredKeys: ['when'] }), { maxLength: 4 }),
    fc.constantFrom('{{nickname}}', '{{', 'x'.repeat(1700), 'yesno', 'choice', 'text', -1, 1e400),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), leaf, fc.boolean(), async (keys, value, remove) => {
      const flow = mangleAt(good(), keys, value, remove);
      const res = await create(flow);
      if (res.status === 201) return;
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
      for (const p of paths(res)) expect(p === 'flow' || p.startsWith('flow.')).toBe(true);
    }),
    { numRuns: 400, seed: 20261130 },
  );
});
