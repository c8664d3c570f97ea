/**
 * Sequences timed from a contact's date field (trigger "date"), as RapidPro's campaign events:
 * offsets before and after the date ("-P1D", "P0D", "P1D") delivered at an hour of the
 * recipient's own day, once per value of the date; a new date reschedules what was not sent; a
 * sequence saved later schedules members who already have the date. The date is captured by a
 * flow step (validator "date"). Fake clock, real listener, database, dispatcher and twilio client.
 */
import { admin, text } from '../helpers/app';
import { broadcastHarness, sentBodies, type BroadcastHarness } from '../helpers/broadcast';

const CANVASS = {
  name: 'Canvassers', programName: 'Rally Alerts', sender: '62262', keywords: [{ word: 'CANVASS' }], supportContact: 'help@rally.example',
  flow: {
    steps: [
      { id: 'name', prompt: 'Your first name?', capture: 'first_name', validate: { type: 'name' }, reprompt: 'Just your first name?' },
      { id: 'shift', prompt: 'Which day can you canvass? (e.g. 11/28/2026)', capture: 'shift_date', validate: { type: 'date' }, reprompt: 'A date like 11/28/2026?' },
    ],
    completion: 'See you on {{shift_date}}, {{first_name}}!',
  },
};

let h: BroadcastHarness;
let campaignId: string;
let sequenceId: string;

beforeEach(async () => {
  // Saturday 2026-11-21 20:00 UTC = 14:00 in Chicago (area code 312).
  h = await broadcastHarness({ QUIET_HOURS: '08:00-21:00' }, '2026-11-21T20:00:00.000Z');
  campaignId = (await admin(h.app).post('/api/campaigns', CANVASS)).body.id;
  const res = await admin(h.app).post('/api/sequences', {
    campaignId, name: 'Shift reminders', trigger: 'date', field: 'shift_date',
    steps: [
      { after: '-P1D', hour: 18, template: 'Tomorrow is your canvass, {{first_name}}!' },
      { after: 'P0D', hour: 8, template: 'Today! Meet at 10.' },
      { after: 'P1D', template: 'Thanks for canvassing yesterday.' },
    ],
  });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ trigger: 'date', field: 'shift_date' });
  sequenceId = res.body.id;
});
afterEach(() => h.shutdown());

async function signUp(phone: string, name: string, day: string): Promise<string[]> {
  await text(h.app, phone, 'CANVASS');
  await text(h.app, phone, name);
  return text(h.app, phone, day);
}

const to = (phone: string) => sentBodies(h.fake).filter((m) => m.to === phone).map((m) => m.body.replace(/\nReply STOP to opt out$/, ''));
const at = async (iso: string) => {
  h.clock.set(iso);
  await h.dispatcher.runUntilIdle();
};
const rows = () =>
  h.ctx.db.sqlite.prepare('SELECT step_index, occurrence, due_at, status, reason FROM sequence_schedule WHERE sequence_id = ? ORDER BY occurrence, step_index').all(sequenceId);

test('the day before at 18:00, the day at 08:00, the day after at 09:00: in the recipient\'s own zone', async () => {
  const ana = '+13125550161';
  expect(await signUp(ana, 'Ana', 'Nov 28th, 2026')).toEqual(['See you on 2026-11-28, Ana!']);
  // Chicago is UTC-6 in November.
  expect(rows()).toEqual([
    { step_index: 0, occurrence: 0, due_at: '2026-11-28T00:00:00.000Z', status: 'scheduled', reason: null },
    { step_index: 1, occurrence: 0, due_at: '2026-11-28T14:00:00.000Z', status: 'scheduled', reason: null },
    { step_index: 2, occurrence: 0, due_at: '2026-11-29T15:00:00.000Z', status: 'scheduled', reason: null },
  ]);
  await at('2026-11-27T23:59:00.000Z');
  expect(to(ana)).toEqual([]);
  await at('2026-11-28T00:00:10.000Z');
  expect(to(ana)).toEqual(['Tomorrow is your canvass, Ana!']);
  await at('2026-11-28T14:00:10.000Z');
  await at('2026-11-29T15:00:10.000Z');
  expect(to(ana)).toEqual(['Tomorrow is your canvass, Ana!', 'Today! Meet at 10.', 'Thanks for canvassing yesterday.']);
  expect((await admin(h.app).get(`/api/sequences/${sequenceId}`)).body.counts).toEqual({ scheduled: 0, sent: 3, skipped: 0 });
  // Sent once each: running again changes nothing.
  await h.dispatcher.runUntilIdle();
  expect(to(ana)).toHaveLength(3);
});

test('a new date reschedules what was not sent; the same date again changes nothing; a step already past is not sent', async () => {
  const bo = '+13125550162';
  await signUp(bo, 'Bo', '11/22/2026');
  // The day before (Nov 21, 18:00 Chicago = 00:00Z Nov 22) is still ahead at 14:00 Chicago; all three scheduled.
  expect(rows()).toHaveLength(3);
  await at('2026-11-22T00:00:10.000Z');
  expect(to(bo)).toEqual(['Tomorrow is your canvass, Bo!']);
  // Bo moves the shift to Dec 5.
  await signUp(bo, 'Bo', '2026-12-05');
  expect(rows()).toEqual([
    { step_index: 0, occurrence: 0, due_at: '2026-11-22T00:00:00.000Z', status: 'sent', reason: null },
    { step_index: 1, occurrence: 0, due_at: '2026-11-22T14:00:00.000Z', status: 'skipped', reason: 'date_changed' },
    { step_index: 2, occurrence: 0, due_at: '2026-11-23T15:00:00.000Z', status: 'skipped', reason: 'date_changed' },
    { step_index: 0, occurrence: 1, due_at: '2026-12-05T00:00:00.000Z', status: 'scheduled', reason: null },
    { step_index: 1, occurrence: 1, due_at: '2026-12-05T14:00:00.000Z', status: 'scheduled', reason: null },
    { step_index: 2, occurrence: 1, due_at: '2026-12-06T15:00:00.000Z', status: 'scheduled', reason: null },
  ]);
  await signUp(bo, 'Bo', '12/5/2026');
  expect(rows()).toHaveLength(6);
  // A date whose steps are all past: nothing is scheduled for it.
  const cy = '+13125550163';
  await signUp(cy, 'Cy', '2026-11-01');
  expect(h.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM sequence_schedule s JOIN contacts c ON c.id = s.contact_id WHERE c.phone = ?').get(cy)).toEqual({ n: 0 });
});

test('a date sequence saved later schedules the members who already have the date; bad definitions are 400s by path', async () => {
  const di = '+13125550164';
  await signUp(di, 'Di', '12/12/2026');
  const later = await admin(h.app).post('/api/sequences', {
    campaignId, name: 'Week after', trigger: 'date', field: 'shift_date', steps: [{ after: 'P1W', hour: 12, template: 'A week since your canvass!' }],
  });
  expect(later.status).toBe(201);
  expect(later.body.counts).toEqual({ scheduled: 1, sent: 0, skipped: 0 });
  expect(later.body.nextDueAt).toBe('2026-12-19T18:00:00.000Z');

  const bad = async (body: Record<string, unknown>) => (await admin(h.app).post('/api/sequences', { campaignId, name: 'x', ...body })).body.error.details;
  expect(await bad({ trigger: 'date', steps: [{ after: 'P1D', template: 'x' }] })).toEqual([{ path: 'field', message: expect.stringContaining('required') }]);
  expect(await bad({ trigger: 'date', field: 'shift_date', steps: [{ after: 'P1D', repeat: 'monthly', template: 'x' }] }))
    .toEqual([{ path: 'steps.0.repeat', message: expect.any(String) }]);
  expect(await bad({ trigger: 'date', field: 'shift_date', steps: [{ after: 'yesterday', template: 'x' }] }))
    .toEqual([{ path: 'steps.0.after', message: expect.stringContaining('-P1D') }]);
  expect(await bad({ trigger: 'date', field: 'email', steps: [{ after: 'P1D', template: 'x' }] })).toEqual([{ path: 'field', message: expect.any(String) }]);
  // The pinned event triggers are as they were: no sign, no hour, no field.
  expect(await bad({ trigger: 'joined', steps: [{ after: '-P1D', hour: 9, template: 'x' }] })).toEqual([
    { path: 'steps.0.after', message: expect.stringContaining('PT1H') },
    { path: 'steps.0.hour', message: 'is only for trigger "date"' },
  ]);
  expect(await bad({ trigger: 'joined', field: 'shift_date', steps: [{ after: 'P1D', template: 'x' }] })).toEqual([{ path: 'field', message: 'is only for trigger "date"' }]);
});
