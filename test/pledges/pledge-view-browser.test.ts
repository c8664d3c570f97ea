/**
 * The pledge view in a real browser: a campaign's "From pledge to paid" panel after pledges,
 * a click on a donation link and payments (webhook), with its sequences. Takes the organizer
 * guide's screenshot (test-artifacts/e2e/pledge-view-docs.png → docs/images/pledge-view.png).
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Page } from 'playwright-core';
import { ADMIN_TOKEN, admin, text } from '../helpers/app';
import { broadcastHarness, type BroadcastHarness } from '../helpers/broadcast';
import { ARTIFACTS, describeWithBrowser, launchBrowser, type LaunchedBrowser } from '../helpers/browser';

describeWithBrowser('the pledge view in the console', () => {
  let h: BroadcastHarness;
  let browser: LaunchedBrowser;
  let page: Page;
  beforeAll(async () => {
    h = await broadcastHarness({ DONATIONS_WEBHOOK_USER: 'ab', DONATIONS_WEBHOOK_PASSWORD: 'webhook-password-123' });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.shutdown();
  });

  test('pledged against paid, statuses and sequences on the campaign page', async () => {
    const campaignId = h.demoCampaignId;
    for (const [name, trigger, steps] of [
      ['Welcome', 'joined', [{ after: 'PT1H', template: 'Thanks {{first_name|friend}}!' }, { after: 'P3D', template: 'Canvass kickoff Saturday' }]],
      ['Monthly reminder', 'pledged', [{ after: 'P1M', repeat: 'monthly', template: 'Your {{pledge}} this month' }]],
    ] as const) {
      expect((await admin(h.app).post('/api/sequences', { campaignId, name, trigger, steps })).status).toBe(201);
    }
    const basic = `Basic ${Buffer.from('ab:webhook-password-123').toString('base64')}`;
    for (let i = 0; i < 12; i++) {
      const p = `+1312555${String(170 + i).padStart(4, '0')}`;
      for (const body of ['JOIN', ['Ana', 'Ben', 'Cy', 'Dee'][i % 4]!, '60601', String(5 + (i % 4) * 5), 'SKIP']) await text(h.app, p, body);
      if (i % 3 === 0) {
        await request(h.app).post('/webhooks/donations').set('Authorization', basic).set('Content-Type', 'application/json')
          .send({ contributionId: `C${i}`, amount: 5 + (i % 4) * 5, phone: p });
      }
    }
    h.clock.advance(3_600_000 + 60_000);
    await h.dispatcher.runUntilIdle();

    await page.goto(`${h.baseUrl}/`);
    await page.fill('#token', ADMIN_TOKEN);
    await page.press('#token', 'Enter');
    await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
    await page.goto(`${h.baseUrl}/campaigns/${campaignId}`);
    const panel = page.locator('#pledges');
    expect(await panel.textContent()).toContain('From pledge to paid');
    expect(await panel.textContent()).toMatch(/\$150 pledged by 12 people/);
    expect(await panel.textContent()).toMatch(/\$50 paid/);
    await panel.scrollIntoViewIfNeeded();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await panel.screenshot({ path: path.join(ARTIFACTS, 'pledge-view-docs.png') });
  }, 90_000);
});
