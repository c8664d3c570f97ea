/**
 * The console's Inbox over HTTP, signed in like a browser: the nav link, the thread list with
 * unread counts and filters, a thread with the contact's fields and consent history, canned
 * responses filled in, the reply form (queued through the outbox), the disabled box for an
 * opted-out number, a volunteer kept out of another's thread, "next", done, and the settings page.
 */
import { admin, testApp, text, VOLUNTEER_TOKEN, type TestApp } from '../helpers/app';
import { browser, signIn } from '../helpers/console';
import { demoCampaignId } from '../helpers/people';

describe('console inbox', () => {
  let t: TestApp;
  beforeEach(() => {
    t = testApp();
  });
  afterEach(() => t.close());

  async function known(phone: string, ...texts: string[]): Promise<string> {
    await text(t.app, phone, 'JOIN');
    await text(t.app, phone, 'Ana');
    await text(t.app, phone, '60601');
    await text(t.app, phone, 'SKIP');
    await text(t.app, phone, 'SKIP');
    for (const x of texts) await text(t.app, phone, x);
    return (await admin(t.app).get('/api/inbox')).body.threads.find((th: { phone: string }) => th.phone === phone)?.contactId;
  }

  test('a volunteer works a thread: list, open, canned response, reply, done, next', async () => {
    await admin(t.app).post('/api/canned-responses', { title: 'Parking', body: 'Hi {{first_name|friend}}, park on Elm St.' });
    const id = await known('+13125550101', 'where do I park?', 'and is there food?');
    const vol = browser(t.app, await signIn(t.app, VOLUNTEER_TOKEN, '/inbox'));

    const list = await vol.get('/inbox');
    expect(list.status).toBe(200);
    expect(list.text).toContain('<a href="/inbox" aria-current="page">Inbox</a>');
    expect(list.text).toContain('and is there food?');
    expect(list.text).toMatch(/class="badge unread-count">2</);
    expect(list.text).not.toContain('+13125550101');
    expect(list.text).toContain('Next unread thread');

    const page = await vol.get(`/inbox/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('where do I park?');
    expect(page.text).toContain('<dt>First name</dt><dd>Ana</dd>');
    expect(page.text).toContain('<dt>ZIP</dt><dd>60601</dd>');
    expect(page.text).toMatch(/Opt-in \(keyword: JOIN\)/);
    expect(page.text).toContain('data-insert="Hi Ana, park on Elm St."');
    expect(page.text).toContain('data-counter="reply-count"');
    expect(page.text).toContain('/assets/segments.js');

    const tooLong = await vol.post(`/inbox/${id}/reply`, { body: 'x'.repeat(1601) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toMatch(/at most 1600 characters/);
    const sent = await vol.post(`/inbox/${id}/reply`, { body: 'Hi Ana, park on Elm St.' });
    expect(sent.status).toBe(303);
    const queued = t.ctx.db.sqlite.prepare("SELECT body, status FROM outbound_messages WHERE status = 'queued'").all();
    expect(queued).toEqual([{ body: 'Hi Ana, park on Elm St.', status: 'queued' }]);
    expect((await vol.get(`/inbox/${id}?done=sent`)).text).toContain('Reply queued');

    expect((await vol.post(`/inbox/${id}/assign`, { assignee: 'token:volunteer' })).status).toBe(303);
    await text(t.app, '+13125550101', 'thanks!');
    const next = await vol.get('/inbox/next');
    expect(next.headers.location).toBe(`/inbox/${id}`);
    expect((await vol.post(`/inbox/${id}/done`, {})).status).toBe(303);
    expect((await vol.get('/inbox?view=done')).text).toContain('thanks!');
    expect((await vol.get('/inbox/next')).headers.location).toBe('/inbox?view=mine&done=none');
  });

  test('an opted-out number: the reply box is disabled and says why; a volunteer cannot open another\'s thread', async () => {
    const id = await known('+13125550102', 'hello?');
    await text(t.app, '+13125550102', 'STOP');
    const org = browser(t.app, await signIn(t.app, undefined, '/inbox'));
    const page = await org.get(`/inbox/${id}`);
    expect(page.text).toContain('This number opted out');
    expect(page.text).toMatch(/<textarea id="reply-body" name="body" rows="4" disabled/);
    const refused = await org.post(`/inbox/${id}/reply`, { body: 'hi' });
    expect(refused.status).toBe(409);
    expect(t.ctx.db.sqlite.prepare("SELECT count(*) AS n FROM outbound_messages WHERE status IN ('queued', 'suppressed')").get()).toEqual({ n: 0 });

    const other = await known('+13125550103', 'question');
    await admin(t.app).post(`/api/inbox/${other}/assign`, { assignee: 'user:someone' });
    const vol = browser(t.app, await signIn(t.app, VOLUNTEER_TOKEN, '/inbox'));
    const denied = await vol.get(`/inbox/${other}`);
    expect(denied.status).toBe(403);
    expect(denied.text).toContain('assigned to someone else');
    expect((await vol.get('/inbox/settings')).status).toBe(403);
  });

  test('organizers keep canned responses and each campaign\'s auto-reply, and split threads', async () => {
    const org = browser(t.app, await signIn(t.app, undefined, '/inbox/settings'));
    const settings = await org.get('/inbox/settings');
    expect(settings.status).toBe(200);
    expect(settings.text).toContain('Auto-reply to unclaimed texts');
    expect((await org.post('/inbox/settings/canned', { title: 'Hours', body: 'We are open 9-5, {{first_name|friend}}.' })).status).toBe(303);
    expect((await org.get('/inbox/settings')).text).toContain('We are open 9-5');
    // From the database: on PostgreSQL the registry loads on first use (no text has come in yet).
    const campaignId = demoCampaignId(t.ctx.db);
    expect((await org.post(`/inbox/settings/auto-reply/${campaignId}`, { text: '' })).status).toBe(303);
    await known('+13125550104');
    expect(await text(t.app, '+13125550104', 'hi')).toEqual([]);
    expect((await org.post(`/inbox/settings/auto-reply/${campaignId}`, { enabled: '1', text: 'Got it! Reply STOP to cancel.' })).status).toBe(303);
    await known('+13125550105');
    expect(await text(t.app, '+13125550105', 'hi')).toEqual(['Got it! Reply STOP to cancel.']);

    expect((await org.post('/inbox/split', { assignees: 'token:volunteer, user:b', mode: 'round_robin', count: '' })).status).toBe(303);
    const threads = (await admin(t.app).get('/api/inbox')).body.threads.map((th: { assignee: string }) => th.assignee).sort();
    expect(threads).toEqual(['token:volunteer', 'user:b']);
  });
});
