/**
 * The hot path draws a donation link only when a reply carries it: a campaign with a donation URL
 * used to draw a link code on every keyword and answer (and the code was thrown away unless the
 * reply linked). A JOIN whose reply has no {{donation_link}} now makes no link row and draws no
 * code; the completion that says {{donation_link}} makes exactly one. Through the real listener.
 */
import { admin, testApp, text, type TestApp } from '../helpers/app';

const GIVE = {
  name: 'Monthly givers', programName: 'Rally Alerts', sender: '62262', keywords: [{ word: 'GIVE' }], supportContact: 'help@rally.example',
  donationUrl: 'https://secure.actblue.com/donate/rally?amount={{pledge_amount}}&refcode={{pledge_ref}}',
  flow: {
    steps: [
      { id: 'name', prompt: 'Your first name?', capture: 'first_name', validate: { type: 'name' }, reprompt: 'Just your first name?' },
      { id: 'pledge', prompt: 'How much a month?', capture: 'pledge', validate: { type: 'money' }, reprompt: 'An amount like 10?' },
    ],
    completion: 'Thanks {{first_name}}! Give here: {{donation_link}}',
  },
};

let t: TestApp;
beforeEach(async () => {
  t = testApp();
  expect((await admin(t.app).post('/api/campaigns', GIVE)).status).toBe(201);
});

/** The test app's ids count up (id-000042-…): how many were drawn while `fn` ran (a link code is one). */
async function idsDrawn(fn: () => Promise<unknown>): Promise<number> {
  const seq = () => Number(/^id-(\d+)-/.exec(t.ctx.newId())![1]);
  const before = seq();
  await fn();
  return seq() - before - 1;
}
afterEach(() => t.close());

const links = () => Number((t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM tracked_links').get() as { n: number | string }).n);

test('a JOIN whose reply has no {{donation_link}} creates no link row; the completion that carries it creates one', async () => {
  const [first] = await text(t.app, '+13125550171', 'GIVE');
  expect(first).toContain('Your first name?');
  expect(links()).toBe(0);
  const [second] = await text(t.app, '+13125550171', 'Ana');
  expect(second).toBe('How much a month?');
  expect(links()).toBe(0);
  // A re-prompt (an invalid amount) carries no link either.
  await text(t.app, '+13125550171', 'lots');
  expect(links()).toBe(0);
  const [done] = await text(t.app, '+13125550171', '10');
  expect(done).toMatch(/^Thanks Ana! Give here: https:\/\/sms\.rally\.example\/l\/[A-Za-z0-9]+$/);
  expect(links()).toBe(1);
  // No placeholder ever leaves the router.
  const bodies = t.ctx.db.sqlite.prepare('SELECT body FROM outbound_messages').all() as { body: string }[];
  expect(bodies.some((b) => b.body.includes('\u0000'))).toBe(false);
});

test('JOIN texts of a campaign with a donation URL draw no more ids than those of a campaign without one', async () => {
  const plain = { ...GIVE, name: 'Plain', keywords: [{ word: 'PLAIN' }], donationUrl: undefined };
  expect((await admin(t.app).post('/api/campaigns', plain)).status).toBe(201);
  const withUrl = await idsDrawn(() => text(t.app, '+13125550172', 'GIVE'));
  const without = await idsDrawn(() => text(t.app, '+13125550173', 'PLAIN'));
  expect(withUrl).toBe(without);
  expect(links()).toBe(0);
});
