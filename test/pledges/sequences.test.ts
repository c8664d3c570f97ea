/**
 * Follow-up sequences with a fake clock, through the real listener, database, dispatcher and the
 * real twilio client against a loopback fake of Twilio's API: a month of one supporter's timeline
 * (join, +1 h, +3 d, monthly on the pledge day), quiet hours in the recipient's zone, an opt-out
 * mid-sequence, PAUSE, a payment that spares the month's reminder, an edit that changes only what
 * is not sent yet, and a restart mid-sequence with no duplicate and no loss.
 */
import request from 'supertest';
import { runDueSequences } from '../../src/usecases/sequences/scheduler';
import { admin, text } from '../helpers/app';
import { broadcastHarness, sentBodies, type BroadcastHarness } from '../helpers/broadcast';

const GIVE = {
  name: 'Monthly givers', programName: 'Rally Alerts', sender: '62262', keywords: [{ word: 'GIVE' }], supportContact: 'help@rally.example',
  donationUrl: 'https://secure.actblue.com/donate/rally?amount={{pledge_amount}}&refcode={{pledge_ref}}',
  flow: {
    steps: [
      { id: 'name', prompt: 'Your first name?', capture: 'first_name', validate: { type: 'name' }, reprompt: 'Just your first name?' },
      { id: 'pledge', prompt: 'How much a month?', capture: 'pledge', validate: { type: 'money' }, reprompt: 'An amount like 10?', skippable: true },
    ],
    completion: 'Thanks {{first_name}}!',
  },
};

let h: BroadcastHarness;
let campaignId: string;
let welcomeId: string;
let remindId: string;

beforeEach(async () => {
  // Saturday 2026-11-21 20:00 UTC = 14:00 in Chicago.
  h = await broadcastHarness({ DONATIONS_WEBHOOK_USER: 'ab', DONATIONS_WEBHOOK_PASSWORD: 'webhook-password-123', QUIET_HOURS: '08:00-21:00' }, '2026-11-21T20:00:00.000Z');
  campaignId = (await admin(h.app).post('/api/campaigns', GIVE)).body.id;
  const welcome = await admin(h.app).post('/api/sequences', {
    campaignId, name: 'Welcome', trigger: 'joined',
    steps: [
      { after: 'PT1H', template: 'Thanks {{first_name|friend}}, give here: {{donation_link}}' },
      { after: 'P3D', template: 'Canvass kickoff Saturday' },
    ],
  });
  expect(welcome.status).toBe(201);
  welcomeId = welcome.body.id;
  const remind = await admin(h.app).post('/api/sequences', {
    campaignId, name: 'Monthly reminder', trigger: 'pledged', steps: [{ after: 'P1M', repeat: 'monthly', template: 'Your {{pledge}} this month: {{donation_link}}' }],
  });
  expect(remind.status).toBe(201);
  remindId = remind.body.id;
});
afterEach(() => h.shutdown());

async function join(phone: string, name = 'Ana', amount = '10'): Promise<void> {
  await text(h.app, phone, 'GIVE');
  await text(h.app, phone, name);
  await text(h.app, phone, amount);
}

const to = (phone: string) => sentBodies(h.fake).filter((m) => m.to === phone).map((m) => m.body.replace(/https:\/\/\S+\/l\/[A-Za-z0-9]+/g, '<link>'));
const at = async (iso: string) => {
  h.clock.set(iso);
  await h.dispatcher.runUntilIdle();
};
const counts = async (id: string) => (await admin(h.app).get(`/api/sequences/${id}`)).body.counts;

test('a month of one supporter: +1 h with their donation link, +3 d, then monthly on the pledge day; a paid month gets no reminder', async () => {
  const ana = '+13125550150';
  await join(ana);
  await at('2026-11-21T20:59:00.000Z');
  expect(to(ana)).toEqual([]);
  await at('2026-11-21T21:00:05.000Z');
  expect(to(ana)).toEqual(['Thanks Ana, give here: <link>\nReply STOP to opt out']);
  await at('2026-11-24T20:00:05.000Z');
  expect(to(ana)).toHaveLength(2);
  expect(to(ana)[1]).toBe('Canvass kickoff Saturday\nReply STOP to opt out');
  expect(await counts(welcomeId)).toEqual({ scheduled: 0, sent: 2, skipped: 0 });

  // December 21 (the pledge day), 14:00 in Chicago: the first reminder, unpaid.
  await at('2026-12-21T20:00:30.000Z');
  expect(to(ana)[2]).toBe('Your $10 this month: <link>\nReply STOP to opt out');
  // The link in it is the supporter's: following it reaches the form with their pledge reference.
  const link = /https:\/\/\S+\/l\/([A-Za-z0-9]+)/.exec(sentBodies(h.fake).filter((m) => m.to === ana)[2]!.body)![1]!;
  const go = await request(h.app).get(`/l/${link}`);
  expect(go.headers.location).toMatch(/^https:\/\/secure\.actblue\.com\/donate\/rally\?amount=10&refcode=rt[a-z0-9]+$/);

  // Paid in January before the pledge day: January's reminder is skipped, February's goes out.
  const basic = `Basic ${Buffer.from('ab:webhook-password-123').toString('base64')}`;
  const paid = await request(h.app).post('/webhooks/donations').set('Authorization', basic).set('Content-Type', 'application/json')
    .send({ contributionId: 'J1', amount: 10, phone: ana, paidAt: '2027-01-05T12:00:00Z' });
  expect(paid.body.outcome).toBe('paid');
  await at('2027-01-21T20:00:30.000Z');
  expect(to(ana)).toHaveLength(3);
  await at('2027-02-21T20:00:30.000Z');
  expect(to(ana)).toHaveLength(4);
  expect(await counts(remindId)).toEqual({ scheduled: 1, sent: 2, skipped: 1 });
  // At most one reminder a month: running again changes nothing.
  await h.dispatcher.runUntilIdle();
  expect(to(ana)).toHaveLength(4);
});

test('quiet hours in the recipient\'s zone: a step due at night waits for the morning, it is not dropped', async () => {
  const late = '+13125550151';
  h.clock.set('2026-11-22T03:30:00.000Z'); // 21:30 in Chicago
  await join(late, 'Bo');
  await at('2026-11-22T04:31:00.000Z'); // +1 h = 22:31 in Chicago: closed
  expect(to(late)).toEqual([]);
  const row = h.ctx.db.sqlite.prepare("SELECT due_at FROM sequence_schedule WHERE status = 'scheduled' AND step_index = 0 AND sequence_id = ?").get(welcomeId) as { due_at: string };
  expect(row.due_at).toBe('2026-11-22T14:00:00.000Z'); // 08:00 in Chicago
  await at('2026-11-22T14:00:10.000Z');
  expect(to(late)).toEqual(['Thanks Bo, give here: <link>\nReply STOP to opt out']);
});

test('STOP mid-sequence stops everything, even after opting in again; PAUSE skips the month\'s reminder without opting out', async () => {
  const cy = '+13125550152';
  const dee = '+13125550153';
  await join(cy, 'Cy');
  await join(dee, 'Dee');
  await at('2026-11-21T21:00:30.000Z');
  expect(to(cy)).toHaveLength(1);
  await text(h.app, cy, 'STOP');
  await text(h.app, cy, 'START');
  expect(await text(h.app, dee, 'PAUSE')).toEqual(["Rally Alerts: Reminders paused until Dec 21. You're still subscribed. Reply STOP to opt out."]);
  await at('2026-11-24T20:00:30.000Z');
  await at('2026-12-21T20:00:30.000Z');
  // Cy: nothing after STOP (START re-subscribes but does not revive the schedule).
  expect(to(cy).filter((b) => !b.startsWith('Rally Alerts'))).toHaveLength(1);
  // Dee: the +3 d message came (not a reminder); December's reminder was skipped by the pause, January's comes.
  expect(to(dee).filter((b) => b.startsWith('Your'))).toHaveLength(0);
  await at('2027-01-21T20:00:30.000Z');
  expect(to(dee).filter((b) => b.startsWith('Your'))).toHaveLength(1);
  const skipped = h.ctx.db.sqlite.prepare('SELECT reason, count(*) AS n FROM sequence_schedule WHERE status = \'skipped\' GROUP BY reason ORDER BY reason').all();
  expect(skipped).toEqual([{ reason: 'opted_out', n: 2 }, { reason: 'paused', n: 1 }]);
});

test('an edit changes only messages not yet sent; a restart mid-sequence sends each message once', async () => {
  const eve = '+13125550154';
  await join(eve, 'Eve');
  await at('2026-11-21T21:00:30.000Z');
  const put = await admin(h.app).put(`/api/sequences/${welcomeId}`, {
    campaignId, name: 'Welcome', trigger: 'joined',
    steps: [
      { after: 'PT1H', template: 'EDITED first (never resent)' },
      { after: 'P2D', template: 'Canvass kickoff moved to Friday' },
    ],
  });
  expect(put.status).toBe(200);
  // The +3 d message now falls at +2 d: the schedule row moved with the edit.
  h.clock.set('2026-11-23T20:00:30.000Z');
  // A dispatcher hands the due message to the outbox, then dies before sending it...
  await runDueSequences(h.ctx.store, { now: h.clock.now(), window: null, footer: null, linkBase: '', newId: h.ctx.newId });
  // ...and a new one (another owner) sends what is queued, exactly once.
  const next = h.newDispatcher();
  await next.runUntilIdle();
  await h.dispatcher.runUntilIdle();
  expect(to(eve)).toEqual(['Thanks Eve, give here: <link>\nReply STOP to opt out', 'Canvass kickoff moved to Friday']);
  expect(await counts(welcomeId)).toEqual({ scheduled: 0, sent: 2, skipped: 0 });
});

test('bad sequences are 400s by path; an unknown one is a 404', async () => {
  const bad = await admin(h.app).post('/api/sequences', { campaignId, name: 'x', trigger: 'left', steps: [{ after: '3 days', template: 'Hi {{phone}}' }] });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['steps.0.after', 'steps.0.template', 'trigger']);
  expect((await admin(h.app).post('/api/sequences', { campaignId: 'nope', name: 'x', trigger: 'joined', steps: [{ after: 'PT1S', template: 'Hi' }] })).status).toBe(400);
  expect((await admin(h.app).get('/api/sequences/nope')).status).toBe(404);
  expect((await admin(h.app).post('/api/campaigns', { ...GIVE, keywords: [{ word: 'PAUSE' }] })).status).toBe(400);
});
