/**
 * Issue 15 in a real browser: the live screen's poll view climbing while signed votes arrive
 * through the real listener (its screenshot is docs/images/live-poll.png), and the organizer's
 * moderation queue (approve, merge a duplicate, fix a typo, reject) on the Votes page, whose
 * approved ideas then rise on the screen.
 */
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ensureDisplay } from '../../src/usecases/live/screens';
import { ADMIN_TOKEN, admin, testApp, text, type TestApp } from '../helpers/app';
import { ARTIFACTS, describeWithBrowser, launchBrowser, shot, type LaunchedBrowser } from '../helpers/browser';

describeWithBrowser('polls and ideas in a real browser', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let browser: LaunchedBrowser;
  let campaignId: string;
  let token: string;
  beforeAll(async () => {
    t = testApp();
    server = createServer(t.app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    campaignId = (t.ctx.db.sqlite.prepare('SELECT id FROM campaigns').get() as { id: string }).id;
    token = (await ensureDisplay(t.ctx.store, campaignId, t.clock.now())).token;
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    t?.ctx.live.close();
    await new Promise((r) => server?.close(r));
    t?.close();
  });

  const bars = (page: Page) =>
    page.$$eval('#poll-bars .bar', (els) => els.map((e) => [e.querySelector('.bar-label')!.textContent, e.querySelector('.bar-votes')!.textContent, e.querySelector('.bar-pct')!.textContent]));

  test('the poll view climbs while votes arrive and shows the final result', async () => {
    const id = (await admin(t.app).post('/api/polls', {
      campaignId, question: 'What should we fight for first?',
      options: [{ label: 'Health care', words: ['1', 'HEALTH'] }, { label: 'Good jobs', words: ['2', 'JOBS'] }, { label: 'Climate', words: ['3', 'CLIMATE'] }],
    })).body.id;
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1600, height: 900 });
    await page.goto(`${base}/live/${token}`);
    expect(await page.isVisible('#poll')).toBe(false);
    await admin(t.app).post(`/api/polls/${id}/open`);
    await page.waitForSelector('#poll', { state: 'visible' });
    expect(await page.textContent('#poll-question')).toBe('What should we fight for first?');
    const votes = ['JOBS', '1', 'jobs', '2', 'climate', '2', 'Health', '2', '3', '2', '1', 'JOBS!', '3', '2', '1', '2', '3', '2'];
    for (const [i, v] of votes.slice(0, 6).entries()) await text(t.app, `+1312555${String(5000 + i)}`, v);
    await page.waitForFunction(() => document.getElementById('poll-total')?.textContent === '6', null, { timeout: 5_000 });
    expect(await bars(page)).toEqual([['Health care', '1', '17%'], ['Good jobs', '4', '67%'], ['Climate', '1', '17%']]);
    const sent = Date.now();
    for (const [i, v] of votes.slice(6).entries()) await text(t.app, `+1312555${String(5100 + i)}`, v);
    await page.waitForFunction(() => document.getElementById('poll-total')?.textContent === '18', null, { timeout: 5_000 });
    // Within a second of the last vote (the hub coalesces for 100 ms), even on a busy machine.
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(await bars(page)).toEqual([['Health care', '4', '22%'], ['Good jobs', '10', '56%'], ['Climate', '4', '22%']]);
    const body = await page.textContent('body');
    expect(body).not.toMatch(/555(50|51)\d\d/);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'live-poll.png') });
    await admin(t.app).post(`/api/polls/${id}/close`);
    await page.waitForFunction(() => document.getElementById('poll-status')?.textContent === 'Final result', null, { timeout: 5_000 });
    await shot(page, 'live-poll-final', false);
    await page.close();
  }, 60_000);

  test('the moderation queue: approve, merge a duplicate, fix a typo, reject; approved ideas rise on the screen', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${base}/`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.press('#token', 'Enter');
    await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
    await page.goto(`${base}/campaigns/${campaignId}`);
    await page.click('a:has-text("Polls and ideas")');
    await page.waitForURL(/\/votes$/);
    await page.click('button:has-text("Open ideas")');
    await page.waitForURL(/done=ideas-open/);
    expect(await page.textContent('#window-state')).toBe('open');
    await text(t.app, '+13125556001', 'IDEA Free busses to the rally');
    await text(t.app, '+13125556002', 'IDEA free buses for the rally');
    await text(t.app, '+13125556003', 'IDEA Childcare at every meeting');
    await text(t.app, '+13125556004', 'IDEA the mayor is an idiot');
    await page.reload();
    const rows = () => page.$$eval('#queue tbody tr', (els) => els.map((e) => (e.querySelector('input[name=text]') as HTMLInputElement).value));
    expect(await rows()).toEqual(['Free busses to the rally', 'free buses for the rally', 'Childcare at every meeting', 'the mayor is an idiot']);
    expect(await page.textContent('#queue')).toContain('Flagged: borderline word: idiot');
    await shot(page, 'ideas-queue');
    const row = (text: string) => page.locator('#queue tbody tr', { has: page.locator(`input[value="${text}"]`) });
    // Fix the typo, keeping the text as sent.
    await row('Free busses to the rally').locator('input[name=text]').fill('Free buses to the rally');
    await row('Free busses to the rally').locator('button:has-text("Save text")').click();
    await page.waitForURL(/done=edited/);
    expect(await page.textContent('#queue')).toContain('As sent: Free busses to the rally');
    await row('Free buses to the rally').locator('button:has-text("Approve")').click();
    await page.waitForURL(/done=approved/);
    await row('Childcare at every meeting').locator('button:has-text("Approve")').click();
    await page.waitForURL(/done=approved/);
    // The duplicate goes into the first idea.
    const dup = row('free buses for the rally');
    const firstId = (await admin(t.app).get(`/api/campaigns/${campaignId}/ideas`)).body.find((i: { text: string }) => i.text === 'Free buses to the rally').id;
    await dup.locator('select[name=into]').selectOption(firstId);
    await dup.locator('button:has-text("Merge")').click();
    await page.waitForURL(/done=merged/);
    await row('the mayor is an idiot').locator('button:has-text("Reject")').click();
    await page.waitForURL(/done=rejected/);
    expect(await page.textContent('#queue-h, h3')).toBeTruthy();
    expect(await page.isVisible('#queue')).toBe(false);
    const moderated = await page.$$eval('#moderated tbody tr', (els) => els.map((e) => [e.children[0]!.textContent, e.children[2]!.textContent]));
    expect(moderated).toEqual([['1', 'approved'], ['2', 'approved'], ['–', 'merged'], ['–', 'rejected']]);
    await shot(page, 'ideas-moderated');

    const screen = await browser.context.newPage();
    await screen.setViewportSize({ width: 1600, height: 900 });
    await screen.goto(`${base}/live/${token}`);
    expect(await screen.isVisible('#ideas')).toBe(true);
    await text(t.app, '+13125556010', 'VOTE 2');
    await text(t.app, '+13125556011', '2');
    await screen.waitForFunction(() => document.querySelector('#idea-list li .idea-text')?.textContent === 'Childcare at every meeting', null, { timeout: 5_000 });
    await shot(screen, 'live-ideas', false);
    const pub = await browser.context.newPage();
    await pub.setViewportSize({ width: 390, height: 760 });
    await pub.goto(`${base}/ideas/${token}`);
    expect(await pub.textContent('#idea-list')).toContain('Childcare at every meeting');
    await shot(pub, 'ideas-public');
    await Promise.all([page.close(), screen.close(), pub.close()]);
  }, 90_000);
});
