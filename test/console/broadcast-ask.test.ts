/**
 * The composer's "ask a question" over real form posts: a yes/no RSVP and a multiple choice
 * become one-question flows (sent, answered through the real listener, counted on the page), and
 * the API's `flow.…` problems land next to the composer's own fields.
 */
import request from 'supertest';
import { text } from '../helpers/app';
import { broadcastHarness, phone, sentBodies, type BroadcastHarness } from '../helpers/broadcast';
import { signIn, type Signed } from '../helpers/console';

let h: BroadcastHarness;
let s: Signed;
beforeEach(async () => {
  h = await broadcastHarness();
  s = await signIn(h.app);
});
afterEach(() => h.shutdown());

const base = () => ({ name: 'Canvass RSVP', footer: 'on', 'audience.campaigns': h.demoCampaignId });

function post(path: string, body: Record<string, string | string[]>) {
  return request(h.app).post(path).set('Cookie', s.cookie).type('form').send({ _csrf: s.csrf, ...body });
}

test('the composer offers a question', async () => {
  const page = await request(h.app).get('/broadcasts/new').set('Cookie', s.cookie);
  expect(page.text).toContain('Ask a question (optional)');
  expect(page.text).toContain('<option value="yesno">Yes/no RSVP');
  expect(page.text).toContain('<option value="choice">Multiple choice');
});

test('a yes/no RSVP: sent, answered, counted on the page', async () => {
  h.addContact({ phone: phone(1), firstName: 'Ana' });
  h.addContact({ phone: phone(2) });
  const res = await post('/broadcasts/new', {
    ...base(), template: 'Can you canvass Saturday, {{first_name|friend}}? Reply YES or NO', 'ask.kind': 'yesno', 'ask.capture': 'canvass_sat',
    'ask.yes': 'Great, see you at 10!', 'ask.no': 'Thanks anyway!', op: 'send',
  });
  expect(res.status).toBe(303);
  const id = /\/broadcasts\/([^?]+)/.exec(res.headers.location!)![1]!;
  await h.dispatcher.runUntilIdle();
  expect(sentBodies(h.fake).map((x) => x.body).sort()).toEqual([
    'Can you canvass Saturday, Ana? Reply YES or NO\nReply STOP to opt out',
    'Can you canvass Saturday, friend? Reply YES or NO\nReply STOP to opt out',
  ]);
  expect(await text(h.app, phone(1), 'yes')).toEqual(['Great, see you at 10!']);
  expect(await text(h.app, phone(2), 'maybe')).toEqual(['Sorry, please reply YES or NO.']);
  expect(await text(h.app, phone(2), 'no')).toEqual(['Thanks anyway!']);
  const page = await request(h.app).get(`/broadcasts/${id}`).set('Cookie', s.cookie);
  expect(page.text).toContain('data-answer="question:yes">1<');
  expect(page.text).toContain('data-answer="question:no">1<');
});

test('a multiple choice: answered by number or label', async () => {
  h.addContact({ phone: phone(1) });
  const res = await post('/broadcasts/new', {
    ...base(), template: 'Which shift? 1) morning 2) afternoon', 'ask.kind': 'choice', 'ask.capture': 'shift',
    'ask.options': 'am | morning\npm | afternoon', 'ask.thanks': 'Thanks! Saved: {{shift}}', op: 'send',
  });
  expect(res.status).toBe(303);
  await h.dispatcher.runUntilIdle();
  expect(await text(h.app, phone(1), 'evening')).toEqual(['Sorry, please reply with a number 1-2.']);
  expect(await text(h.app, phone(1), 'Afternoon')).toEqual(['Thanks! Saved: pm']);
});

test('three answers that do not fit end the question politely, nothing counted', async () => {
  h.addContact({ phone: phone(1), firstName: 'Ana' });
  const res = await post('/broadcasts/new', {
    ...base(), template: 'Coming Saturday?', 'ask.kind': 'yesno', 'ask.capture': 'coming', 'ask.yes': 'Great!', 'ask.no': 'OK!', op: 'send',
  });
  const id = /\/broadcasts\/([^?]+)/.exec(res.headers.location!)![1]!;
  await h.dispatcher.runUntilIdle();
  expect(await text(h.app, phone(1), 'hmm')).toEqual(['Sorry, please reply YES or NO.']);
  expect(await text(h.app, phone(1), 'what?')).toEqual(['Sorry, please reply YES or NO.']);
  expect(await text(h.app, phone(1), 'purple')).toEqual(['No problem, Ana. Thanks!']);
  const page = await request(h.app).get(`/broadcasts/${id}`).set('Cookie', s.cookie);
  expect(page.text).toContain('No answers yet.');
});

test("the question's problems are shown next to the composer's fields", async () => {
  const res = await post('/broadcasts/new', {
    ...base(), template: 'Can you come?', 'ask.kind': 'yesno', 'ask.capture': 'Bad Name', 'ask.yes': 'Great', 'ask.no': '', op: 'draft',
  });
  expect(res.status).toBe(400);
  expect(res.text).toMatch(/id="f-ask-capture-error"><span class="visually-hidden">Error: <\/span>must be lower-case letters/);
  expect(res.text).toMatch(/id="f-ask-no-error"><span class="visually-hidden">Error: <\/span>must not be empty/);
  const choice = await post('/broadcasts/new', { ...base(), template: 'Pick', 'ask.kind': 'choice', 'ask.capture': 'pick', 'ask.options': 'only', 'ask.thanks': 'Thanks', op: 'draft' });
  expect(choice.status).toBe(400);
  expect(choice.text).toMatch(/id="f-ask-options-error"/);
  expect(h.ctx.db.sqlite.prepare('SELECT COUNT(*) AS n FROM broadcasts').get()).toEqual({ n: 0 });
});
