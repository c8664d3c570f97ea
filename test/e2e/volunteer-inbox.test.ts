/// <reference lib="dom" />
/**
 * Issue 11's browser test, end to end (in-process listener on loopback, real Chromium): an
 * organizer invites a volunteer with `rallytext users invite` (the real CLI on the same database),
 * the volunteer accepts the one-time link and sets a password, signs out and in again with it;
 * the organizer splits the unassigned threads among the volunteers signed in; the volunteer opens
 * the next thread with the "Next unread thread" button, replies with a canned response (queued
 * through the outbox), marks it done, and is refused another volunteer's thread; the organizer
 * then finds all of it, under the volunteer's name, on the Audit page and in GET /api/audit.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { ADMIN_TOKEN, admin, testApp, text, type TestApp } from '../helpers/app';
import { accept, auditEntries, invite } from '../helpers/accounts';
import { describeWithBrowser, launchBrowser, shot, type LaunchedBrowser } from '../helpers/browser';
import { CLI, runNode } from '../helpers/child';

jest.setTimeout(60_000);

const PASSWORD = 'canvass every saturday';

describeWithBrowser('a volunteer works the inbox in a real browser', () => {
  let t: TestApp;
  let server: Server;
  let url: string;
  let browser: LaunchedBrowser;
  let page: Page;

  beforeAll(async () => {
    t = testApp();
    server = await new Promise((resolve) => {
      const s = createServer(t.app).listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    t.ctx.inboxEvents.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    t.close();
  });

  /** A subscribed supporter who then asks something no flow answers: an unassigned thread. */
  async function supporter(phone: string, name: string, question: string): Promise<string> {
    for (const body of ['JOIN', name, '60601', 'SKIP', 'SKIP', question]) {
      await text(t.app, phone, body);
      t.clock.advance(15_000);
    }
    return (await admin(t.app).get('/api/inbox')).body.threads.find((th: { firstName: string }) => th.firstName === name).contactId;
  }

  test('invited by the CLI, signed in, next thread, canned reply, done; the organizer reads it in the audit log', async () => {
    await admin(t.app).post('/api/canned-responses', { title: 'Parking', body: 'Hi {{first_name|friend}}! Park on Elm St, doors at 6.' });

    // The organizer invites from the command line; the link is printed on stdout.
    const cli = await runNode(CLI, ['users', 'invite', 'vic@example.org', '--role', 'volunteer'], {
      DATABASE_URL: `sqlite:${t.dbFile}`, PUBLIC_BASE_URL: url, LOG_LEVEL: 'silent',
    });
    expect(cli.code).toBe(0);
    const link = cli.stdout.trim();
    expect(link).toMatch(new RegExp(`^${url}/join/[A-Za-z0-9_-]{43}$`));

    // The volunteer accepts it: a name and a password, then signs out and back in with them.
    await page.goto(link);
    await page.fill('#name', 'Vic Volunteer');
    await page.fill('#password', PASSWORD);
    await page.click('button:has-text("Save and sign in")');
    await page.waitForURL('**/exports');
    await page.click('button:has-text("Sign out")');
    await page.waitForSelector('#email');
    await page.fill('#email', 'vic@example.org');
    await page.fill('#password', PASSWORD);
    await page.press('#password', 'Enter');
    await page.waitForURL('**/exports');
    expect(await page.textContent('header .role')).toContain('Vic Volunteer · Volunteer');
    const vic = `user:${(t.ctx.db.sqlite.prepare("SELECT id FROM users WHERE email = 'vic@example.org'").get() as { id: string }).id}`;

    // Another volunteer, signed in elsewhere; three supporters write in.
    await accept(t.app, await invite(t.app, 'wes@example.org', 'volunteer'), 'Wes');
    const ana = await supporter('+13125550111', 'Ana', 'where do I park?');
    const ben = await supporter('+13125550112', 'Ben', 'can I bring my kid?');
    const cal = await supporter('+13125550113', 'Cal', 'what time does it start?');

    // The organizer deals the unassigned threads among the volunteers signed in: Vic and Wes.
    const split = await admin(t.app).post('/api/inbox/split', { assignees: 'signed_in' });
    expect(split.body.assignees.map((a: { name: string }) => a.name)).toEqual(['Vic Volunteer', 'Wes']);
    const assignee = async (id: string) => (await admin(t.app).get(`/api/inbox/${id}?peek=1`)).body.assignee;
    expect(await assignee(ana)).toBe(vic);
    expect(await assignee(cal)).toBe(vic);
    expect(await assignee(ben)).not.toBe(vic);

    // "Next unread thread" opens Vic's oldest unread thread: Ana's.
    await page.click('nav a:has-text("Inbox")');
    await page.waitForURL('**/inbox');
    await page.click('#next-thread');
    await page.waitForURL(`**/inbox/${ana}`);
    await page.waitForSelector('#messages >> text=where do I park?');
    await page.click('.canned button:has-text("Parking")');
    expect(await page.inputValue('#reply-body')).toBe('Hi Ana! Park on Elm St, doors at 6.');
    await shot(page, 'volunteer-inbox-01-reply');
    await page.click('#send-reply');
    await page.waitForURL(/done=sent/);
    await page.waitForSelector('#messages >> text=Hi Ana! Park on Elm St, doors at 6.');
    expect(t.ctx.db.sqlite.prepare("SELECT body, status, kind FROM outbound_messages WHERE status = 'queued'").all())
      .toEqual([{ body: 'Hi Ana! Park on Elm St, doors at 6.', status: 'queued', kind: 'reply' }]);
    await page.click('#mark-done');
    await page.waitForURL(/done=done/);
    expect((await admin(t.app).get(`/api/inbox/${ana}?peek=1`)).body.status).toBe('done');

    // Next is now Cal's thread; Wes's thread (Ben) is not Vic's to open.
    await page.click('#next-thread');
    await page.waitForURL(`**/inbox/${cal}`);
    const refused = await page.goto(`${url}/inbox/${ben}`);
    expect(refused!.status()).toBe(403);

    // The organizer signs in and reads the audit log.
    await browser.context.clearCookies();
    await page.goto(`${url}/`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.press('#token', 'Enter');
    await page.waitForURL('**/campaigns');
    await page.click('nav >> text=Audit');
    const rows = await page.locator('table.audit tbody tr').allTextContents();
    const row = (what: string) => rows.filter((r) => r.includes(what));
    expect(row('sent a reply')).toHaveLength(1);
    expect(row('sent a reply')[0]).toContain('Vic Volunteer');
    expect(row('marked an inbox thread done')[0]).toContain('Vic Volunteer');
    expect(row('split unassigned inbox threads')[0]).toContain('Organizer token');
    expect(row('invited a person').find((r) => r.includes('vic@example.org'))).toContain('Command line');
    expect(row('accepted an invite').find((r) => r.includes('Vic Volunteer'))).toBeDefined();
    expect(row('signed in').filter((r) => r.includes('Vic Volunteer'))).toHaveLength(1);
    await shot(page, 'volunteer-inbox-02-audit');

    // The same through the API, with the thread as the target.
    const entries = await auditEntries(t.app);
    const byVic = entries.filter((e) => e.actor.id === vic).map((e) => [e.action, e.target?.id ?? null]).reverse();
    expect(byVic).toEqual([
      ['person.joined', vic.slice(5)],
      ['person.signed_in', null],
      ['reply.sent', ana],
      ['thread.done', ana],
    ]);
    expect(entries.find((e) => e.action === 'reply.sent')!.details).toMatchObject({ segments: 1, characters: 35 });
  });
});
