/**
 * The rehearsal simulator (through the real signed webhook, over loopback) and the contacts
 * pages: test numbers are flagged and kept out of counts and searches, a real supporter's number
 * cannot be borrowed, and a manual opt-out is a consent event after which nothing is sent.
 */
import type { RequestListener } from 'node:http';
import { statsNow } from '../../src/usecases/live/stats';
import { testApp, text, type TestApp } from '../helpers/app';
import { browser, signIn, type Signed } from '../helpers/console';

let t: TestApp;
let s: Signed;
let campaignId: string;
beforeEach(async () => {
  t = testApp();
  s = await signIn(t.app);
  campaignId = (t.ctx.db.sqlite.prepare('SELECT id FROM campaigns').get() as { id: string }).id;
});
afterEach(() => t.close());

const TEST_PHONE = '+12125550142';

async function simulate(app: RequestListener, body: string, phone = TEST_PHONE) {
  return browser(app, s).post('/rehearse', { campaign: campaignId, phone, body });
}

function contactRow(phone: string) {
  return t.ctx.db.sqlite.prepare('SELECT id, status, is_test, first_name FROM contacts WHERE phone = ?').get(phone) as
    | { id: string; status: string; is_test: number; first_name: string | null }
    | undefined;
}

describe('rehearsal simulator', () => {
  it('texts through the signed webhook and shows the conversation as bubbles', async () => {
    const page = await browser(t.app, s).get('/rehearse');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<input id="sim-phone" name="phone" type="tel" value="\+1\d{3}55501\d\d"/);

    const res = await simulate(t.app, 'JOIN');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/rehearse?campaign=${campaignId}&phone=%2B12125550142`);
    await simulate(t.app, "Hi, I'm Zed");
    const view = await browser(t.app, s).get(res.headers.location!);
    const bubbles = [...view.text.matchAll(/<li class="bubble (me|them)[^"]*"[^>]*><span class="visually-hidden">[^<]*<\/span>([^<]*)/g)].map((m) => [m[1], m[2]]);
    expect(bubbles).toEqual([
      ['me', 'JOIN'],
      ['them', expect.stringMatching(/^Rally Alerts: Thanks for joining![\s\S]*What&#39;s your first name\?$/)],
      ['me', 'Hi, I&#39;m Zed'],
      ['them', 'Thanks, Zed! What is your 5-digit ZIP code?'],
    ]);
    // It really was the webhook: an inbound row with a Twilio-shaped MessageSid.
    const sids = t.ctx.db.sqlite.prepare('SELECT message_sid FROM inbound_messages').all() as { message_sid: string }[];
    expect(sids.every((r) => /^SM[0-9a-f]{32}$/.test(r.message_sid))).toBe(true);
    expect(t.logs.join('')).toContain('"handledAs":"flow_start"');
  });

  it('flags the number as a test contact, kept out of counts, the live screen and searches', async () => {
    for (const body of ['JOIN', 'Zed', '60601', '25', 'zed@example.org']) await simulate(t.app, body);
    const c = contactRow(TEST_PHONE)!;
    expect(c).toMatchObject({ is_test: 1, status: 'subscribed', first_name: 'Zed' });
    expect((await t.ctx.store.campaigns.counts()).get(campaignId)).toBeUndefined();
    expect(await statsNow(t.ctx.store, campaignId, t.clock.now())).toMatchObject({ joined: 0, completed: 0, pledgedCents: 0 });
    // A real supporter does count.
    for (const body of ['JOIN', 'Amy', '60601', '10', 'SKIP']) await text(t.app, '+13125550100', body);
    expect((await t.ctx.store.campaigns.counts()).get(campaignId)).toMatchObject({ joined: 1, completed: 1 });
    expect(await statsNow(t.ctx.store, campaignId, t.clock.now())).toMatchObject({ joined: 1, completed: 1, pledgedCents: 1000 });

    const hidden = await browser(t.app, s).get('/contacts?q=0142');
    expect(hidden.text).toContain('No contacts match');
    const shown = await browser(t.app, s).get('/contacts?q=0142&test=1');
    expect(shown.text).toContain('+12125550142');
    expect(shown.text).toContain('test number');
  });

  it('refuses to text as a real supporter (409) and changes nothing about them', async () => {
    await text(t.app, '+13125550100', 'JOIN');
    const res = await simulate(t.app, 'hello', '+13125550100');
    expect(res.status).toBe(409);
    expect(res.text).toContain('belongs to a real supporter');
    expect(contactRow('+13125550100')!.is_test).toBe(0);
    expect((t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM inbound_messages').get() as { n: number }).n).toBe(1);
  });

  it('shows a reply the opt-out gate refused as not sent', async () => {
    await simulate(t.app, 'JOIN');
    await simulate(t.app, 'STOP');
    await simulate(t.app, 'hello?');
    const view = await browser(t.app, s).get(`/rehearse?campaign=${campaignId}&phone=${encodeURIComponent(TEST_PHONE)}`);
    expect(view.text).toContain('You&#39;re unsubscribed');
    expect(view.text).toContain('<li class="bubble me"');
    // "hello?" from an opted-out number gets nothing at all (no row to show as a reply).
    expect(view.text.match(/class="bubble them/g)).toHaveLength(2);
  });

  it('an invalid test number is replaced, and the quick buttons send their word', async () => {
    const page = await browser(t.app, s).get('/rehearse?phone=banana');
    expect(page.text).toContain('is not a phone number');
    const res = await browser(t.app, s).post('/rehearse', { campaign: campaignId, phone: TEST_PHONE, quick: 'HELP', body: '' });
    expect(res.status).toBe(303);
    const body = (t.ctx.db.sqlite.prepare('SELECT body FROM inbound_messages').get() as { body: string }).body;
    expect(body).toBe('HELP');
  });
});

describe('contacts', () => {
  beforeEach(async () => {
    for (const body of ['JOIN', 'Zoë', '60601', '$25/mo', 'zoe@example.org']) await text(t.app, '+13125550177', body);
    await text(t.app, '+13125550188', 'RALLY');
  });

  it('searches by any part of the phone number, or by first name and email', async () => {
    const byDigits = await browser(t.app, s).get('/contacts?q=555-0177');
    expect(byDigits.text).toContain('+13125550177');
    expect(byDigits.text).not.toContain('+13125550188');
    const byName = await browser(t.app, s).get(`/contacts?q=${encodeURIComponent('zo')}`);
    expect(byName.text).toContain('+13125550177');
    expect(byName.text).not.toContain('+13125550188');
    const byEmail = await browser(t.app, s).get('/contacts?q=example.org');
    expect(byEmail.text).toContain('+13125550177');
    const none = await browser(t.app, s).get('/contacts?q=%25');
    expect(none.text).toContain('No contacts match');
    const all = await browser(t.app, s).get('/contacts');
    expect(all.text).toContain('+13125550188');
  });

  it('shows captured fields, the pledge, memberships and the full consent history', async () => {
    const id = contactRow('+13125550177')!.id;
    const page = await browser(t.app, s).get(`/contacts/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<dt>First name</dt><dd>Zoë</dd>');
    expect(page.text).toContain('<dt>Email</dt><dd>zoe@example.org</dd>');
    expect(page.text).toContain('<td class="num">$25</td><td>monthly</td>');
    expect(page.text).toMatch(/<td>Opt-in<\/td><td>keyword<\/td><td>JOIN<\/td>\s*<td>62262<\/td><td>Demo rally<\/td>/);
  });

  it('manual opt-out: consent event via admin, conversation interrupted, nothing sent afterwards', async () => {
    const id = contactRow('+13125550188')!.id;
    const res = await browser(t.app, s).post(`/contacts/${id}/opt-out`, {});
    expect(res.status).toBe(303);
    expect(contactRow('+13125550188')!.status).toBe('opted_out');
    const events = t.ctx.db.sqlite.prepare('SELECT kind, via, keyword FROM consent_events WHERE contact_id = ? ORDER BY rowid').all(id);
    expect(events).toEqual([
      { kind: 'opt_in', via: 'keyword', keyword: 'RALLY' },
      { kind: 'opt_out', via: 'admin', keyword: null },
    ]);
    const conv = t.ctx.db.sqlite.prepare('SELECT status FROM conversations WHERE contact_id = ?').get(id) as { status: string };
    expect(conv.status).toBe('interrupted');
    // Exactly the rules that follow a STOP text: compare with a number that texted STOP.
    await text(t.app, '+13125550199', 'RALLY');
    await text(t.app, '+13125550199', 'STOP');
    for (const body of ['Sam', 'HELP', 'hello?']) {
      const afterAdmin = await text(t.app, '+13125550188', body);
      expect(afterAdmin).toEqual(await text(t.app, '+13125550199', body));
      expect(afterAdmin).toEqual([]);
    }
    const page = await browser(t.app, s).get(res.headers.location!);
    expect(page.text).toContain('Opted out. Recorded in the consent history (via admin).');
    expect(page.text).toMatch(/<td>Opt-out<\/td><td>admin<\/td>/);
    // Twice is harmless: no second event.
    const again = await browser(t.app, s).post(`/contacts/${id}/opt-out`, {});
    expect(again.headers.location).toContain('done=already');
    expect(t.ctx.db.sqlite.prepare("SELECT count(*) AS n FROM consent_events WHERE contact_id = ? AND via = 'admin'").get(id)).toEqual({ n: 1 });
    // START from the person still resubscribes them (their own consent), as after a STOP.
    expect((await text(t.app, '+13125550188', 'START'))[0]).toMatch(/Thanks for joining/);
    expect(contactRow('+13125550188')!.status).toBe('subscribed');
  });

  it('404 for an unknown contact; opt-out needs the CSRF token', async () => {
    expect((await browser(t.app, s).get('/contacts/nope')).status).toBe(404);
    const id = contactRow('+13125550188')!.id;
    const { default: request } = await import('supertest');
    expect((await request(t.app).post(`/contacts/${id}/opt-out`).set('Cookie', s.cookie).type('form').send({})).status).toBe(403);
    expect(contactRow('+13125550188')!.status).not.toBe('opted_out');
  });
});
