/**
 * Live polls through the real listener (signed webhooks, real database): the API's pinned shapes,
 * votes counted once per phone (a later vote replaces it, a replayed MessageSid changes nothing),
 * the confirmation through the outbox, the hint once, late votes, voting subscribing nobody, the
 * router's precedence (a keyword, STOP and a choice answer beat a vote) and 400s by path.
 */
import request from 'supertest';
import { admin, nextSid, signedPost, testApp, text, type TestApp } from '../helpers/app';
import { inboundParams, twimlMessages } from '../../src/twilio/rehearse';

let t: TestApp;
let campaignId: string;
beforeEach(async () => {
  t = testApp();
  campaignId = (await admin(t.app).get('/api/campaigns')).body.campaigns[0].id;
});
afterEach(() => t.close());

const OPTIONS = [
  { label: 'Health', words: ['1', 'HEALTH'] },
  { label: 'Jobs', words: ['2', 'jobs'] },
  { label: 'Climate', words: ['3', 'CLIMATE', 'planet'] },
];

async function openPoll(options = OPTIONS): Promise<string> {
  const res = await admin(t.app).post('/api/polls', { campaignId, question: 'What matters most?', options });
  expect(res.status).toBe(201);
  expect(Object.keys(res.body)).toEqual(['id']);
  expect((await admin(t.app).post(`/api/polls/${res.body.id}/open`)).status).toBe(200);
  return res.body.id as string;
}

const count = (sql: string, ...args: unknown[]) => (t.ctx.db.sqlite.prepare(sql).get(...args) as { n: number }).n;

test('votes are counted one per phone, a later vote replaces the earlier one, and GET has the pinned shape', async () => {
  const id = await openPoll();
  expect(await text(t.app, '+13125550101', 'jobs')).toEqual(['Counted: Jobs. Reply JOIN to get updates from Rally Alerts']);
  expect(await text(t.app, '+13125550102', ' 2 ')).toEqual(['Counted: Jobs. Reply JOIN to get updates from Rally Alerts']);
  expect(await text(t.app, '+13125550103', 'Planet!')).toEqual(['Counted: Climate. Reply JOIN to get updates from Rally Alerts']);
  expect(await text(t.app, '+13125550101', '1')).toEqual(['Counted: Health (replaces your earlier vote). Reply JOIN to get updates from Rally Alerts']);
  const res = await admin(t.app).get(`/api/polls/${id}`);
  expect(res.body).toEqual({
    status: 'open', question: 'What matters most?', total: 3,
    results: [{ label: 'Health', votes: 1 }, { label: 'Jobs', votes: 1 }, { label: 'Climate', votes: 1 }],
  });
  // Voting subscribes nobody: no consent event, the contacts stay pending.
  expect(count("SELECT count(*) AS n FROM consent_events")).toBe(0);
  expect(count("SELECT count(*) AS n FROM contacts WHERE status = 'pending'")).toBe(3);
  // The confirmation went through the outbox (the chokepoint) as a reply.
  expect(count("SELECT count(*) AS n FROM outbound_messages WHERE body LIKE 'Counted:%'")).toBe(4);
});

test('a replayed MessageSid is counted once; a flood from one number counts once', async () => {
  const id = await openPoll();
  const params = inboundParams('+13125550104', '62262', '3', { MessageSid: nextSid() });
  const first = await signedPost(t.app, '/twilio/sms', params);
  const again = await signedPost(t.app, '/twilio/sms', params);
  expect(twimlMessages(again.text)).toEqual(twimlMessages(first.text));
  for (let i = 0; i < 30; i++) await text(t.app, '+13125550105', '2');
  expect((await admin(t.app).get(`/api/polls/${id}`)).body.total).toBe(2);
});

test('a subscriber gets the short confirmation; an opted-out number is counted and gets nothing', async () => {
  const id = await openPoll();
  await text(t.app, '+13125550106', 'JOIN');
  // (While the name question waits, "health" would be a valid name: the supporter's own question wins.)
  t.clock.advance(25 * 3_600_000);
  expect(await text(t.app, '+13125550106', 'health')).toEqual(['Counted: Health.']);
  await text(t.app, '+13125550107', 'STOP');
  expect(await text(t.app, '+13125550107', 'health')).toEqual([]);
  expect((await admin(t.app).get(`/api/polls/${id}`)).body.results[0]).toEqual({ label: 'Health', votes: 2 });
});

test('a number that is no option gets "Reply 1, 2 or 3" once; after closing, an option gets "Voting has closed" and is not counted', async () => {
  const id = await openPoll();
  expect(await text(t.app, '+13125550108', '7')).toEqual(['Reply 1, 2 or 3']);
  expect(await text(t.app, '+13125550108', '8')).toEqual([]);
  expect((await admin(t.app).post(`/api/polls/${id}/close`)).body.status).toBe('closed');
  expect(await text(t.app, '+13125550108', '2')).toEqual(['Voting has closed. Thanks for taking part!']);
  expect((await admin(t.app).get(`/api/polls/${id}`)).body.total).toBe(0);
  // Half an hour later the same word is an ordinary text again (a known number: the inbox).
  t.clock.advance(31 * 60_000);
  const later = await text(t.app, '+13125550108', '2');
  expect(later.join(' ')).not.toContain('Voting has closed');
});

test('outside an open poll the option words fall through to the normal rules', async () => {
  const id = (await admin(t.app).post('/api/polls', { campaignId, question: 'Q?', options: OPTIONS })).body.id;
  expect((await text(t.app, '+13125550109', 'jobs'))[0]).toContain('Text JOIN');
  expect((await admin(t.app).get(`/api/polls/${id}`)).body).toMatchObject({ status: 'draft', total: 0 });
});

test('STOP, HELP and keywords beat a vote; "2" answering the supporter\'s ZIP question is a vote, the question stays open', async () => {
  const id = await openPoll();
  expect((await text(t.app, '+13125550110', 'JOIN'))[0]).toContain('first name');
  expect(await text(t.app, '+13125550110', 'Ana')).toEqual(['Thanks, Ana! What is your 5-digit ZIP code?']);
  expect(await text(t.app, '+13125550110', '2')).toEqual(['Counted: Jobs.']);
  expect(await text(t.app, '+13125550110', '60601')).toEqual([expect.stringContaining('chip in monthly')]);
  expect((await text(t.app, '+13125550110', 'HELP'))[0]).toContain('Rally Alerts');
  expect((await text(t.app, '+13125550110', 'STOP'))[0]).toContain('unsubscribed');
  expect((await admin(t.app).get(`/api/polls/${id}`)).body.total).toBe(1);
});

test('bad polls are refused with 400 by path; a second open poll on the sender is a 409; unknown ids are 404', async () => {
  const bad = async (body: object) => (await admin(t.app).post('/api/polls', body)).body.error.details;
  expect(await bad({ campaignId, question: 'Q', options: [{ label: 'A', words: ['STOP'] }, { label: 'B' }] })).toEqual([
    { path: 'options.0.words.0', message: 'is a reserved compliance word (STOP, HELP, START…)' },
  ]);
  expect(await bad({ campaignId, question: 'Q', options: [{ label: 'A', words: ['join'] }, { label: 'B' }] })).toEqual([
    { path: 'options.0.words.0', message: '"JOIN" is a keyword on this sender' },
  ]);
  expect(await bad({ campaignId, question: 'Q', options: [{ label: 'A', words: ['idea'] }, { label: 'B' }] })).toEqual([
    { path: 'options.0.words.0', message: 'is a supporter command word (IDEA, VOTE, PAGE, GOAL, SHOW, PAUSE, SKIP)' },
  ]);
  expect(await bad({ campaignId, question: 'Q', options: [{ label: 'A', words: ['1'] }, { label: 'B', words: ['1'] }] })).toEqual([
    { path: 'options.1.words.0', message: '"1" already answers option 1' },
  ]);
  expect(await bad({ campaignId, question: 'Q', options: [{ label: 'A' }] })).toEqual([{ path: 'options', message: 'a poll needs 2 to 9 options' }]);
  expect(await bad({ campaignId: 'nope', question: 'Q', options: [{ label: 'A' }, { label: 'B' }] })).toEqual([
    { path: 'campaignId', message: 'campaign nope not found' },
  ]);
  await openPoll();
  const second = (await admin(t.app).post('/api/polls', { campaignId, question: 'Again?', options: [{ label: 'A' }, { label: 'B' }] })).body.id;
  expect((await admin(t.app).post(`/api/polls/${second}/open`)).status).toBe(409);
  expect((await admin(t.app).get('/api/polls/nope')).status).toBe(404);
  expect((await admin(t.app).post('/api/polls/nope/close')).status).toBe(404);
  expect((await request(t.app).get(`/api/polls/${second}`)).status).toBe(401);
});

test('a broadcast audience can target "voted for Jobs": subscribers whose vote stands on that option', async () => {
  const id = await openPoll();
  for (const [p, v] of [['+13125550301', 'jobs'], ['+13125550302', 'jobs'], ['+13125550303', 'health'], ['+13125550304', 'jobs']] as const) {
    await text(t.app, p, 'JOIN');
    t.clock.advance(25 * 3_600_000); // the name question expires: "jobs" is then a vote, not a name
    await text(t.app, p, v);
  }
  await text(t.app, '+13125550302', 'health'); // changed their mind
  await text(t.app, '+13125550305', 'jobs'); // voted, never joined: not in any broadcast
  const preview = (audience: object) => admin(t.app).post('/api/broadcasts/preview', { template: 'Jobs rally Saturday!', audience });
  expect((await preview({ campaigns: [campaignId], votedFor: { poll: id, option: 2 } })).body.recipients).toBe(2);
  expect((await preview({ campaigns: [campaignId], votedFor: { poll: id, option: 1 } })).body.recipients).toBe(2);
  // By one of the option's words or its label, any case: the same audience as its number.
  expect((await preview({ campaigns: [campaignId], votedFor: { poll: id, option: 'JOBS' } })).body.recipients).toBe(2);
  expect((await preview({ campaigns: [campaignId], votedFor: { poll: id, option: 'health' } })).body.recipients).toBe(2);
  const bad = await preview({ campaigns: [campaignId], votedFor: { poll: id, option: 0 } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details[0].path).toBe('audience.votedFor.option');
  const notAnOption = await preview({ campaigns: [campaignId], votedFor: { poll: id, option: 'TAXES' } });
  expect(notAnOption.status).toBe(400);
  expect(notAnOption.body.error.details).toEqual([{ path: 'audience.votedFor.option', message: expect.stringContaining('"TAXES" is not an option of this poll') }]);
  expect((await preview({ campaigns: [campaignId], votedFor: { poll: id, option: 7 } })).body.error.details[0].path).toBe('audience.votedFor.option');
  const noPoll = await preview({ campaigns: [campaignId], votedFor: { poll: 'nope', option: 1 } });
  expect(noPoll.status).toBe(400);
  expect(noPoll.body.error.details).toEqual([{ path: 'audience.votedFor.poll', message: 'no poll with id "nope" in these campaigns' }]);
  // Stored as the number: the broadcast shows what it will send to.
  const made = await admin(t.app).post('/api/broadcasts', { name: 'Jobs', template: 'Jobs rally Saturday!', audience: { campaigns: [campaignId], votedFor: { poll: id, option: 'Jobs' } } });
  expect(made.status).toBe(201);
  expect(made.body.audience.votedFor).toEqual({ poll: id, option: 2 });
});
