/**
 * Issue 13 in a real browser: a supporter's page on a phone-sized viewport (its screenshot is
 * docs/images/supporter-page.png), and the live screen's leaderboard, where a recruiter is named
 * only after replying SHOW and drops off the moment they opt out.
 */
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import path from 'node:path';
import { ensureDisplay } from '../../src/usecases/live/screens';
import { admin, testApp, text, type TestApp } from '../helpers/app';
import { ARTIFACTS, describeWithBrowser, launchBrowser, type LaunchedBrowser } from '../helpers/browser';

describeWithBrowser('referrals in a real browser', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let browser: LaunchedBrowser;
  let campaignId: string;
  beforeAll(async () => {
    t = testApp();
    server = createServer(t.app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    campaignId = (t.ctx.db.sqlite.prepare('SELECT id FROM campaigns').get() as { id: string }).id;
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    t?.ctx.live.close();
    await new Promise((r) => server?.close(r));
    t?.close();
  });

  const codeOf = (phone: string) =>
    (t.ctx.db.sqlite.prepare('SELECT r.code FROM referrals r JOIN contacts c ON c.id = r.contact_id WHERE c.phone = ?').get(phone) as { code: string }).code;

  async function complete(phone: string, name: string, first = 'JOIN', pledge = 'SKIP'): Promise<void> {
    for (const body of [first, name, '60601', pledge, 'SKIP']) await text(t.app, phone, body);
  }

  test('a personal page on a phone: name, goal, friends and their pledges, a share button, no sideways scrolling', async () => {
    await complete('+13125550600', 'Ana');
    const code = codeOf('+13125550600');
    await complete('+13125550601', 'Ben', `JOIN ${code}`, '15');
    await complete('+13125550602', 'Cy', `join ${code.toLowerCase()} please`, '10');
    await complete('+13125550603', 'Dee', `JOIN ${code}`);
    await text(t.app, '+13125550600', 'GOAL 5');
    const reply = (await text(t.app, '+13125550600', 'PAGE'))[0]!;
    const url = /https:\/\/sms\.rally\.example(\/p\/\S+)/.exec(reply)![1]!;
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const res = await page.goto(`${base}${url}`);
    expect(res!.status()).toBe(200);
    expect(await page.textContent('h1')).toBe("Ana's friends");
    expect((await page.textContent('#recruits'))!.replace(/\s+/g, ' ').trim()).toBe('3 of 5 friends');
    expect(await page.textContent('#pledged')).toBe('$25');
    expect(await page.getAttribute('#share', 'href')).toBe(`sms:62262?&body=JOIN%20${code}`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const body = await page.textContent('body');
    expect(body).not.toMatch(/Ben|Cy|Dee|555060/);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'supporter-page.png'), fullPage: true });
    await text(t.app, '+13125550600', 'STOP');
    expect((await page.reload())!.status()).toBe(404);
    await page.close();
  }, 60_000);

  test('the leaderboard on the live screen: a name only after SHOW, anonymous otherwise, gone at once on STOP; teams without consent', async () => {
    const token = (await ensureDisplay(t.ctx.store, campaignId, t.clock.now())).token;
    const c = (await admin(t.app).get(`/api/campaigns/${campaignId}`)).body;
    const { id: _i, active: _a, createdAt: _c, updatedAt: _u, ...spec } = c;
    expect((await admin(t.app).put(`/api/campaigns/${campaignId}`, { ...spec, referrals: { teams: [{ word: 'NURSES', name: 'Nurses' }] } })).status).toBe(200);
    await complete('+13125550610', 'Rosa Diaz');
    await complete('+13125550611', 'Sam Lee');
    const rosa = codeOf('+13125550610');
    const sam = codeOf('+13125550611');
    for (let i = 0; i < 3; i++) await text(t.app, `+1312555062${i}`, `JOIN ${rosa}`);
    for (let i = 0; i < 2; i++) await text(t.app, `+1312555063${i}`, `JOIN ${sam}`);
    for (let i = 0; i < 4; i++) await text(t.app, `+1312555064${i}`, 'JOIN nurses');
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1600, height: 900 });
    await page.goto(`${base}/live/${token}`);
    const rows = (id: string) => page.$$eval(`#${id} li`, (els) => els.map((e) => [e.querySelector('.lb-name')!.textContent, e.querySelector('.lb-count')!.textContent]));
    expect(await rows('lb-recruiters')).toEqual([['A supporter', '3'], ['A supporter', '2']]);
    expect(await rows('lb-teams')).toEqual([['Nurses', '4']]);
    await text(t.app, '+13125550610', 'SHOW');
    await page.waitForFunction(() => document.querySelector('#lb-recruiters .lb-name')?.textContent === 'Rosa D.', null, { timeout: 5_000 });
    expect(await rows('lb-recruiters')).toEqual([['Rosa D.', '3'], ['A supporter', '2']]);
    expect(await page.textContent('body')).not.toMatch(/Sam|Lee/);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'live-leaderboard.png') });
    await text(t.app, '+13125550610', 'STOP');
    await page.waitForFunction(() => document.querySelectorAll('#lb-recruiters li').length === 1, null, { timeout: 5_000 });
    expect(await rows('lb-recruiters')).toEqual([['A supporter', '2']]);
    expect(await page.textContent('body')).not.toMatch(/Rosa/);
    await page.close();
  }, 60_000);
});
