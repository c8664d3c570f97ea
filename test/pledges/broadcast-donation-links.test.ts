/**
 * {{donation_link}} in broadcasts (issue 14: completion, sequences AND broadcasts carry the
 * supporter's tracked donation link): each recipient gets their own link, made when their text is
 * claimed for sending through the same tracked-link machinery (/l/<code>, the pledge's values at
 * click time), counted per broadcast; a retry sends the same link; nobody refused at the gate gets
 * one. The template is accepted, the preview shows a sample. Real listener, database, dispatcher
 * and twilio client against the loopback fake.
 */
import request from 'supertest';
import { admin, PUBLIC_BASE_URL } from '../helpers/app';
import { broadcastHarness, phone, sentBodies, type BroadcastHarness } from '../helpers/broadcast';

const GIVE = {
  name: 'Monthly givers', programName: 'Rally Alerts', sender: '62262', keywords: [{ word: 'GIVE' }], supportContact: 'help@rally.example',
  donationUrl: 'https://secure.actblue.com/donate/rally?amount={{pledge_amount}}&refcode={{pledge_ref}}',
  flow: { steps: [], completion: 'Thanks!' },
};
const TEMPLATE = 'Hi {{first_name|friend}}, this month: {{donation_link}}';
const LINK = /https:\/\/sms\.rally\.example\/l\/([A-Za-z0-9]+)/;

let h: BroadcastHarness;
let giveId: string;
beforeEach(async () => {
  h = await broadcastHarness();
  const res = await admin(h.app).post('/api/campaigns', GIVE);
  expect(res.status).toBe(201);
  giveId = res.body.id;
});
afterEach(() => h.shutdown());

const linkRows = (broadcastId: string) =>
  h.ctx.db.sqlite.prepare("SELECT code, contact_id, pledge_id, clicks FROM tracked_links WHERE broadcast_id = ? AND kind = 'donation' ORDER BY contact_id").all(broadcastId) as
    { code: string; contact_id: string; pledge_id: string | null; clicks: number }[];

test('each recipient gets their own tracked donation link; clicks are counted on the broadcast; the opted-out get none', async () => {
  const ana = h.addContact({ phone: phone(1), firstName: 'Ana', campaigns: [giveId], pledgedIn: [giveId] });
  const bo = h.addContact({ phone: phone(2), firstName: 'Bo', campaigns: [giveId] });
  h.addContact({ phone: phone(3), firstName: 'Cy', campaigns: [giveId], status: 'opted_out' });

  const preview = await admin(h.app).post('/api/broadcasts/preview', { template: TEMPLATE, audience: { campaigns: [giveId] } });
  expect(preview.status).toBe(200);
  expect(preview.body.samples[0].body).toBe(`Hi Ana, this month: ${PUBLIC_BASE_URL}/l/samplelink00\nReply STOP to opt out`);

  const b = await h.sendNow({ name: 'December ask', template: TEMPLATE, audience: { campaigns: [giveId] } });
  await h.dispatcher.runUntilIdle();
  const sent = sentBodies(h.fake);
  expect(sent.map((m) => m.to).sort()).toEqual([phone(1), phone(2)]);
  const codeOf = (to: string) => LINK.exec(sent.find((m) => m.to === to)!.body)![1]!;
  expect(codeOf(phone(1))).not.toBe(codeOf(phone(2)));
  expect(sent.find((m) => m.to === phone(1))!.body).toMatch(/^Hi Ana, this month: https:\/\/sms\.rally\.example\/l\/[A-Za-z0-9]+\nReply STOP to opt out$/);

  const rows = linkRows(b.id);
  expect(rows).toEqual([
    { code: codeOf(phone(1)), contact_id: ana, pledge_id: `p-${ana}-${giveId}`, clicks: 0 },
    { code: codeOf(phone(2)), contact_id: bo, pledge_id: null, clicks: 0 },
  ]);
  // The pledge's ask went out.
  expect((h.ctx.db.sqlite.prepare('SELECT status FROM pledges WHERE contact_id = ?').get(ana) as { status: string }).status).toBe('link_sent');

  // Following Ana's link: her pledge's amount on the campaign's form, and the click on the broadcast.
  const go = await request(h.app).get(`/l/${codeOf(phone(1))}`);
  expect(go.status).toBe(302);
  expect(go.headers.location).toBe('https://secure.actblue.com/donate/rally?amount=25&refcode=');
  await request(h.app).get(`/l/${codeOf(phone(1))}`);
  const view = await h.status(b.id);
  expect(view.donationLinks).toEqual({ sent: 2, clicked: 1, clicks: 2 });
  expect(view.links).toEqual([]);
  expect((h.ctx.db.sqlite.prepare('SELECT status FROM pledges WHERE contact_id = ?').get(ana) as { status: string }).status).toBe('clicked');
});

test('a retried send carries the same link (one row per recipient); a text without {{donation_link}} makes none', async () => {
  const ana = h.addContact({ phone: phone(1), firstName: 'Ana', campaigns: [giveId] });
  h.fake.forNumber(phone(1), { error: 20429, status: 429, message: 'Too Many Requests' });
  const b = await h.sendNow({ name: 'Ask', template: TEMPLATE, audience: { campaigns: [giveId] } });
  await h.dispatcher.runUntilIdle();
  h.clock.advance(5_000);
  await h.dispatcher.runUntilIdle();
  const tries = sentBodies(h.fake).filter((m) => m.to === phone(1)).map((m) => LINK.exec(m.body)![1]);
  expect(tries).toHaveLength(2);
  expect(tries[0]).toBe(tries[1]);
  expect(linkRows(b.id)).toEqual([{ code: tries[0], contact_id: ana, pledge_id: null, clicks: 0 }]);

  const plain = await h.sendNow({ name: 'Plain', template: 'Canvass Saturday', audience: { campaigns: [giveId] } });
  await h.dispatcher.runUntilIdle();
  expect(linkRows(plain.id)).toEqual([]);
  expect((await h.status(plain.id)).donationLinks).toEqual({ sent: 0, clicked: 0, clicks: 0 });
});

test('a campaign without a donation URL: {{donation_link}} takes its fallback, and the preview says why', async () => {
  h.addContact({ phone: phone(5), firstName: 'Di', campaigns: [h.demoCampaignId] });
  const body = { template: 'Give: {{donation_link|https://rally.example/give}}', audience: { campaigns: [h.demoCampaignId] } };
  const preview = await admin(h.app).post('/api/broadcasts/preview', body);
  expect(preview.body.samples[0].body).toBe('Give: https://rally.example/give\nReply STOP to opt out');
  expect(preview.body.warnings.join(' ')).toContain('without a donation URL');
  const bad = await admin(h.app).post('/api/broadcasts', { name: 'x', audience: body.audience, template: 'Give: {{donation_links}}' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details[0].path).toBe('template');
});
