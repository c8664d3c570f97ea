/**
 * Sequence steps that ask ({ after, flow }), on the broadcast-ask machinery: the step's message is
 * its flow's first prompt (the sequence's merge fields, the footer), sending it opens a
 * conversation on that flow (as a broadcast that asks does), and the supporter's reply resumes it:
 * YES is an answer there, not an opt-in word; the answer lands in their fields; STOP still wins.
 * Editing the sequence afterwards does not change a question already asked. Fake clock, real
 * listener, database, dispatcher and twilio client.
 */
import { admin, text } from '../helpers/app';
import { broadcastHarness, sentBodies, type BroadcastHarness } from '../helpers/broadcast';

const GIVE = {
  name: 'Monthly givers', programName: 'Rally Alerts', sender: '62262', keywords: [{ word: 'GIVE' }], supportContact: 'help@rally.example',
  flow: {
    steps: [{ id: 'name', prompt: 'Your first name?', capture: 'first_name', validate: { type: 'name' }, reprompt: 'Just your first name?' }],
    completion: 'Thanks {{first_name}}!',
  },
};
const ASK = {
  steps: [
    {
      id: 'saturday', prompt: 'Hi {{first_name|friend}}, can you canvass Saturday? Reply YES or NO', capture: 'canvass_saturday',
      validate: { type: 'yesno' }, reprompt: 'Please reply YES or NO', branches: [{ when: 'no', end: 'No problem, {{first_name}}!' }],
    },
  ],
  completion: 'Great, see you Saturday!',
};

let h: BroadcastHarness;
let campaignId: string;
let sequenceId: string;
beforeEach(async () => {
  h = await broadcastHarness({}, '2026-11-21T20:00:00.000Z');
  campaignId = (await admin(h.app).post('/api/campaigns', GIVE)).body.id;
  const res = await admin(h.app).post('/api/sequences', { campaignId, name: 'Ask to canvass', trigger: 'joined', steps: [{ after: 'PT1H', flow: ASK }] });
  expect(res.status).toBe(201);
  sequenceId = res.body.id;
});
afterEach(() => h.shutdown());

async function joinAndAsk(...people: [string, string][]): Promise<void> {
  for (const [phone, name] of people) {
    await text(h.app, phone, 'GIVE');
    await text(h.app, phone, name);
  }
  h.clock.set('2026-11-21T21:00:30.000Z');
  await h.dispatcher.runUntilIdle();
}
const to = (phone: string) => sentBodies(h.fake).filter((m) => m.to === phone).map((m) => m.body);
const fields = (phone: string) => JSON.parse((h.ctx.db.sqlite.prepare('SELECT fields FROM contacts WHERE phone = ?').get(phone) as { fields: string }).fields);

test('the step asks; YES and NO resume its flow; the answer is the supporter\'s; STOP still wins', async () => {
  const [ana, bo, cy] = ['+13125550201', '+13125550202', '+13125550203'];
  await joinAndAsk([ana, 'Ana'], [bo, 'Bo'], [cy, 'Cy']);
  expect(to(ana)).toEqual(['Hi Ana, can you canvass Saturday? Reply YES or NO\nReply STOP to opt out']);
  expect(await text(h.app, ana, 'YES')).toEqual(['Great, see you Saturday!']);
  expect(fields(ana)).toMatchObject({ canvass_saturday: true });
  expect(await text(h.app, bo, 'maybe')).toEqual(['Please reply YES or NO']);
  expect(await text(h.app, bo, 'no')).toEqual(['No problem, Bo!']);
  expect(fields(bo)).toMatchObject({ canvass_saturday: false });
  expect(await text(h.app, cy, 'STOP')).toEqual(["Rally Alerts: You're unsubscribed and will get no more messages. Reply START to resubscribe."]);
  // Answered, the conversation is over: a second YES is the opt-in word again, not an answer.
  const conv = h.ctx.db.sqlite.prepare(
    "SELECT c.status FROM conversations c JOIN sequence_conversations s ON s.conversation_id = c.id JOIN contacts p ON p.id = c.contact_id WHERE p.phone = ?",
  ).all(ana);
  expect(conv).toEqual([{ status: 'completed' }]);
  expect((await admin(h.app).get(`/api/sequences/${sequenceId}`)).body.counts).toEqual({ scheduled: 0, sent: 3, skipped: 0 });
});

test('an edit after the question went out changes only what is not sent yet', async () => {
  const di = '+13125550204';
  await joinAndAsk([di, 'Di']);
  const put = await admin(h.app).put(`/api/sequences/${sequenceId}`, {
    campaignId, name: 'Ask to canvass', trigger: 'joined', steps: [{ after: 'PT1H', flow: { ...ASK, completion: 'EDITED' } }],
  });
  expect(put.status).toBe(200);
  expect(await text(h.app, di, 'yes')).toEqual(['Great, see you Saturday!']);
});

test('bad steps that ask are 400s by path', async () => {
  const bad = async (step: Record<string, unknown>) =>
    (await admin(h.app).post('/api/sequences', { campaignId, name: 'x', trigger: 'joined', steps: [{ after: 'PT1H', ...step }] })).body.error.details;
  expect(await bad({ template: 'Hi', flow: ASK })).toEqual([{ path: 'steps.0.template', message: expect.stringContaining('not both') }]);
  expect(await bad({ flow: { ...ASK, steps: [{ ...ASK.steps[0], prompt: 'Hi {{nope}}' }] } }))
    .toEqual([{ path: 'steps.0.flow.steps.0.prompt', message: expect.stringContaining('unknown merge field {{nope}}') }]);
  expect(await bad({ flow: { completion: 'x', steps: [] } })).toEqual([{ path: 'steps.0.flow.steps', message: expect.any(String) }]);
});
