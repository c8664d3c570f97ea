/**
 * The composer's question and the answers table in a real browser (public/broadcast.js): the
 * reply boxes follow the kind of question chosen, a yes/no RSVP saved from the form is sent by the
 * dispatcher, and the answers table on the broadcast's page refreshes by itself as replies
 * arrive through the real listener (webhooks signed by the twilio library).
 */
import type { Page } from 'playwright-core';
import { ADMIN_TOKEN, admin, text } from '../helpers/app';
import { broadcastHarness, phone, type BroadcastHarness } from '../helpers/broadcast';
import { describeWithBrowser, launchBrowser, shot, type LaunchedBrowser } from '../helpers/browser';

describeWithBrowser('asking a question from the console', () => {
  let h: BroadcastHarness;
  let browser: LaunchedBrowser;
  let page: Page;
  beforeAll(async () => {
    h = await broadcastHarness();
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.shutdown();
  });

  test('compose a yes/no RSVP, send it, watch the answers arrive', async () => {
    for (let i = 1; i <= 3; i++) h.addContact({ phone: phone(i), firstName: `P${i}` });
    await page.goto(`${h.baseUrl}/`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.press('#token', 'Enter');
    await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
    await page.goto(`${h.baseUrl}/broadcasts/new`);
    // No question: no reply boxes.
    expect(await page.isVisible('#f-ask-yes')).toBe(false);
    expect(await page.isVisible('#f-ask-capture')).toBe(false);
    await page.selectOption('#f-ask-kind', 'yesno');
    expect(await page.isVisible('#f-ask-yes')).toBe(true);
    expect(await page.isVisible('#f-ask-options')).toBe(false);
    await page.selectOption('#f-ask-kind', 'choice');
    expect(await page.isVisible('#f-ask-options')).toBe(true);
    expect(await page.isVisible('#f-ask-yes')).toBe(false);
    await page.selectOption('#f-ask-kind', 'yesno');
    await page.fill('#f-name', 'Canvass RSVP');
    await page.fill('#f-template', 'Can you canvass Saturday, {{first_name|friend}}? Reply YES or NO');
    await page.fill('#f-ask-capture', 'canvass_sat');
    await page.fill('#f-ask-yes', 'Great, see you at 10!');
    await page.fill('#f-ask-no', 'Thanks anyway!');
    await shot(page, 'ask-compose');
    await page.click('button:has-text("Save as draft")');
    await page.waitForURL(/\/broadcasts\/[^/?]+\?done=draft$/);
    const id = /\/broadcasts\/([^/?]+)/.exec(page.url())![1]!;
    expect((await admin(h.app).post(`/api/broadcasts/${id}/send`)).status).toBe(202);
    await h.dispatcher.runUntilIdle();
    await page.goto(`${h.baseUrl}/broadcasts/${id}`);
    expect(await page.textContent('#answers')).toContain('No answers yet.');
    expect(await text(h.app, phone(1), 'yes')).toEqual(['Great, see you at 10!']);
    expect(await text(h.app, phone(2), 'Yes!')).toEqual(['Great, see you at 10!']);
    expect(await text(h.app, phone(3), 'no')).toEqual(['Thanks anyway!']);
    await page.waitForFunction(() => document.querySelector('[data-answer="question:yes"]')?.textContent === '2', null, { timeout: 15_000 });
    expect(await page.textContent('[data-answer="question:no"]')).toBe('1');
    await shot(page, 'ask-answers');
  }, 60_000);
});
