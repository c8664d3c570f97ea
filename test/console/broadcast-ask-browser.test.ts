/**
 * The composer's question and the answers table in a real browser (public/broadcast.js): the
 * reply boxes follow the kind of question chosen, a yes/no RSVP saved from the form is sent by the
 * dispatcher, and the answers table on the broadcast's page refreshes by itself as replies
 * arrive through the real listener (webhooks signed by the twilio library).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ADMIN_TOKEN, admin, text } from '../helpers/app';
import { broadcastHarness, phone, type BroadcastHarness } from '../helpers/broadcast';
import { ARTIFACTS, describeWithBrowser, launchBrowser, shot, type LaunchedBrowser } from '../helpers/browser';

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
    for (let i = 1; i <= 10; i++) h.addContact({ phone: phone(i), firstName: `P${i}` });
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

    // The rest answer (one reply that does not fit is asked again, not counted): the guide's
    // screenshot (docs/images/asking-answers.png) is the answers table and the question.
    for (const [n, reply] of [[4, 'yes'], [5, 'count me in'], [6, 'no'], [7, 'Y'], [8, 'maybe?'], [9, 'nope'], [10, 'sure']] as const) {
      await text(h.app, phone(n), reply);
    }
    await page.waitForFunction(() => document.querySelector('[data-answer="question:yes"]')?.textContent === '6', null, { timeout: 15_000 });
    expect(await page.textContent('[data-answer="question:no"]')).toBe('3');
    await page.evaluate(() => window.scrollTo(0, 0));
    const top = (await page.locator('#answers').boundingBox())!;
    const bubble = (await page.locator('ol.bubbles').boundingBox())!;
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'ask-answers-docs.png'), fullPage: true, clip: { x: 0, y: top.y - 16, width: 1280, height: bubble.y + bubble.height + 8 - (top.y - 16) } });
  }, 60_000);
});
