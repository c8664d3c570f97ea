/// <reference lib="dom" />
/**
 * People in a real browser against the real gateway (dist/main.js): an organizer (signed in with
 * the token) invites a volunteer on the People page, the volunteer opens the one-time link, sets a
 * name and password, signs out and back in with them, and the organizer sees it all in the audit log.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ADMIN_TOKEN, VOLUNTEER_TOKEN } from '../helpers/app';
import { describeWithBrowser, launchBrowser, shot, type LaunchedBrowser } from '../helpers/browser';
import { freePort, startGateway, type Gateway } from '../helpers/child';

jest.setTimeout(60_000);

let gw: Gateway;
let browser: LaunchedBrowser;
let page: Page;

describeWithBrowser('people accounts in a real browser', () => {
  beforeAll(async () => {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rallytext-e2e-people-'));
    gw = await startGateway({
      PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, DATABASE_URL: `sqlite:${path.join(dir, 'e2e.db')}`,
      ADMIN_TOKEN, VOLUNTEER_TOKEN, LOG_LEVEL: 'warn', QUIET_HOURS: 'off',
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  test('invite, accept the link, sign in with email and password, and the audit log shows who', async () => {
    await page.goto(`${gw.url}/`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.press('#token', 'Enter');
    await page.waitForURL('**/campaigns');
    await page.click('nav >> text=People');
    await page.fill('#invite-email', 'vic@example.org');
    await page.selectOption('#invite-role', 'volunteer');
    await page.click('button:has-text("Create invite link")');
    const link = await page.inputValue('#invite-link');
    expect(link).toMatch(/\/join\/[A-Za-z0-9_-]{43}$/);
    await shot(page, 'people-01-invite');

    await browser.context.clearCookies();
    await page.goto(link);
    expect(await page.textContent('h1')).toBe('Welcome to the rally console');
    await page.fill('#name', 'Vic Volunteer');
    await page.fill('#password', 'correct horse battery staple');
    await shot(page, 'people-02-join');
    await page.click('button:has-text("Save and sign in")');
    await page.waitForURL('**/exports');
    expect(await page.textContent('header .role')).toContain('Vic Volunteer · Volunteer');
    expect(await page.locator('nav >> text=People').count()).toBe(0);

    await page.click('button:has-text("Sign out")');
    await page.waitForSelector('#email');
    await page.fill('#email', 'vic@example.org');
    await page.fill('#password', 'correct horse battery staple');
    await page.press('#password', 'Enter');
    await page.waitForURL('**/exports');

    await browser.context.clearCookies();
    await page.goto(`${gw.url}/`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.press('#token', 'Enter');
    await page.waitForURL('**/campaigns');
    await page.click('nav >> text=Audit');
    const rows = await page.locator('table.audit tbody tr').allTextContents();
    expect(rows[0]).toContain('Organizer token');
    expect(rows.find((r) => r.includes('accepted an invite'))).toContain('Vic Volunteer');
    expect(rows.filter((r) => r.includes('Vic Volunteer') && r.includes('signed in'))).toHaveLength(1);
    expect(rows.find((r) => r.includes('invited a person'))).toContain('vic@example.org');
    await shot(page, 'people-03-audit');
  });
});
