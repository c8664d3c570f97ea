/**
 * The campaign registry keeps what each campaign's follow-up sequences are timed from, so a JOIN,
 * a pledge or a completion skips the sequences lookup when none applies (issue 10: statements per
 * webhook). What must hold: a sequence saved through the API applies to the very next text, a
 * deleted one to none, and another process on the same database (its own registry) sees a save
 * at its next version check. Through the real listener and database, both engines.
 */
import { admin, quietLogger, secondContext, testApp, text, type TestApp } from '../helpers/app';

let t: TestApp;
let demoId: string;

beforeEach(async () => {
  t = testApp();
  demoId = (await admin(t.app).get('/api/campaigns')).body.campaigns[0].id as string;
});
afterEach(() => t.close());

const scheduled = (phone: string) =>
  t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM sequence_schedule s JOIN contacts c ON c.id = s.contact_id WHERE c.phone = ?').get(phone) as { n: number };

const WELCOME = { name: 'Welcome', trigger: 'joined', steps: [{ after: 'PT1H', template: 'Welcome aboard!' }] };

test('a campaign without sequences has no triggers; a saved sequence applies to the very next JOIN, a deleted one to none', async () => {
  await text(t.app, '+13125550601', 'JOIN');
  expect([...t.ctx.registry.followUpTriggers(demoId)!]).toEqual([]);
  expect(scheduled('+13125550601').n).toBe(0);

  const saved = await admin(t.app).post('/api/sequences', { campaignId: demoId, ...WELCOME });
  expect(saved.status).toBe(201);
  expect([...t.ctx.registry.followUpTriggers(demoId)!]).toEqual(['joined']);
  await text(t.app, '+13125550602', 'JOIN');
  expect(scheduled('+13125550602').n).toBe(1);

  // Retimed from the pledge: a JOIN schedules nothing any more, a pledge does.
  expect((await admin(t.app).put(`/api/sequences/${saved.body.id}`, { campaignId: demoId, ...WELCOME, trigger: 'pledged' })).status).toBe(200);
  expect([...t.ctx.registry.followUpTriggers(demoId)!]).toEqual(['pledged']);
  await text(t.app, '+13125550603', 'JOIN');
  expect(scheduled('+13125550603').n).toBe(0);
  await text(t.app, '+13125550603', 'Ana');
  await text(t.app, '+13125550603', '60601');
  await text(t.app, '+13125550603', '$10');
  expect(scheduled('+13125550603').n).toBe(1);

  expect((await admin(t.app).delete(`/api/sequences/${saved.body.id}`)).status).toBe(200);
  expect([...t.ctx.registry.followUpTriggers(demoId)!]).toEqual([]);
  await text(t.app, '+13125550604', 'JOIN');
  await text(t.app, '+13125550604', 'Ana');
  await text(t.app, '+13125550604', '60601');
  await text(t.app, '+13125550604', '$10');
  expect(scheduled('+13125550604').n).toBe(0);
});

test('a campaign the registry does not know is looked up, never skipped', () => {
  expect(t.ctx.registry.followUpTriggers('no-such-campaign')).toBeUndefined();
});

test('another process on the same database sees a saved sequence at its next version check', async () => {
  const other = secondContext(t.config, quietLogger(), { clock: t.clock, newId: t.ctx.newId });
  try {
    await other.registry.refreshIfStale(Date.now());
    expect([...other.registry.followUpTriggers(demoId)!]).toEqual([]);
    expect((await admin(t.app).post('/api/sequences', { campaignId: demoId, ...WELCOME })).status).toBe(201);
    // The other process checks the campaigns version at most once a second.
    await other.registry.refreshIfStale(Date.now() + 2_000);
    expect([...other.registry.followUpTriggers(demoId)!]).toEqual(['joined']);
    const r = await other.inbound.receive({
      messageSid: 'SM00000000000000000000000000000601', from: '+13125550611', to: '62262', body: 'JOIN', numMedia: 0, optOutType: null, fromState: null,
    });
    expect(r.replies[0]).toContain("What's your first name?");
    expect(scheduled('+13125550611').n).toBe(1);
  } finally {
    other.live.close();
    other.inboxEvents.close();
    other.db.close();
  }
});
