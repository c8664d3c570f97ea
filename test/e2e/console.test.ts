/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * End to end in a real browser (Chromium via playwright-core; test/helpers/browser.ts finds it, or
 * skips these tests saying how to enable them) against the real gateway
 * (dist/main.js as a child process on loopback): sign in by keyboard, create a campaign (live
 * segment counter, errors next to fields; its teams), rehearse it in the phone simulator, watch the live
 * screen climb when a signed webhook arrives, check contrast and that no personal data reaches
 * the screen or its event stream, opt a contact out, download exports, sign out, and keep a
 * volunteer out of the campaign pages. Screenshots of every page go to test-artifacts/e2e/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { sendText } from '../../src/twilio/rehearse';
import { ACCOUNT_SID, ADMIN_TOKEN, AUTH_TOKEN, VOLUNTEER_TOKEN } from '../helpers/app';
import { ARTIFACTS, contrastRatio, describeWithBrowser, launchBrowser, shot, type LaunchedBrowser } from '../helpers/browser';
import { freePort, startGateway, type Gateway } from '../helpers/child';
import { fakeTwilioApi, type FakeTwilio } from '../helpers/fake-twilio';
import { SseClient } from '../helpers/sse';

jest.setTimeout(60_000);

let gw: Gateway;
let fake: FakeTwilio;
let browser: LaunchedBrowser;
let page: Page;
let publicUrl: string;
let campaignId = '';
let liveLink = '';
const SENDER = '+13125550199';
const SUPPORTER = '+13125550177';

describeWithBrowser('the console in a real browser', () => {
  beforeAll(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rallytext-e2e-'));
    // Broadcasts really go out: the gateway's own dispatcher and the official client, pointed at a
    // loopback fake of Twilio's API that posts signed delivery receipts back.
    fake = await fakeTwilioApi({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, callbackOrigin: publicUrl });
    gw = await startGateway({
      TWILIO_API_BASE_URL: fake.url,
      PORT: String(port), PUBLIC_BASE_URL: publicUrl, DATABASE_URL: `sqlite:${path.join(dir, 'e2e.db')}`,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, ADMIN_TOKEN, VOLUNTEER_TOKEN,
      LOG_LEVEL: 'warn', QUIET_HOURS: 'off',
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('dialog', (d) => void d.accept());
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await fake?.close();
  });

  async function until<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Inputs without a label, on the current page (hidden inputs excepted). */
  async function unlabelled(p: Page): Promise<string[]> {
    return p.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((e) => (e as HTMLInputElement).type !== 'hidden' && e.getAttribute('aria-hidden') !== 'true')
        .filter((e) => !((e as HTMLInputElement).labels?.length || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')))
        .map((e) => (e as HTMLInputElement).name || e.id || e.outerHTML.slice(0, 60)),
    );
  }

  /** Texts the gateway exactly as Twilio would (signed with the real twilio library). */
  function textIn(body: string, from = SUPPORTER) {
    return sendText({ postUrl: `${gw.url}/twilio/sms`, signedUrl: `${publicUrl}/twilio/sms`, authToken: AUTH_TOKEN, from, to: SENDER, body });
  }

  test('keyboard alone reaches the sign-in field and button, and signs in', async () => {
    await page.goto(`${gw.url}/`);
    expect(await unlabelled(page)).toEqual([]);
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => {
        const e = document.activeElement as HTMLElement;
        return e.id || `${e.tagName.toLowerCase()}:${e.textContent?.trim()}`;
      }));
    }
    expect(order).toEqual(['a:Skip to content', 'email', 'password', 'button:Sign in', 'token', 'button:Sign in with token']);
    // Focus is visible: the focused button has an outline or a focus ring.
    const ring = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement as Element);
      return `${s.outlineStyle} ${s.outlineWidth} ${s.boxShadow}`;
    });
    expect(ring).toMatch(/solid 3px/);
    await shot(page, '01-sign-in');
    await page.focus('#token');
    await page.keyboard.type(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/campaigns');
    expect(await page.textContent('h1')).toBe('Campaigns');
    await shot(page, '02-campaigns');
  });

  test('create a campaign: live segment counter, errors next to the field, then saved', async () => {
    await page.click('text=New campaign');
    await page.waitForURL('**/campaigns/new');
    expect(await unlabelled(page)).toEqual([]);
    await page.fill('#f-name', 'Hall rally');
    await page.fill('#f-programName', 'Hall Team');
    await page.fill('#f-sender', SENDER);
    await page.fill('#f-keywords-0-word', 'hall');
    await page.fill('#f-keywords-0-aliases', 'salon');
    await page.fill('#f-goalCents', '1,000');
    // The counter follows typing, and switches to UCS-2 for an emoji.
    const counter = page.locator('#f-flow-steps-0-prompt-count');
    await expect(counter.textContent()).resolves.toContain('GSM-7 · 1 segment');
    await page.fill('#f-flow-steps-0-prompt', '');
    await page.type('#f-flow-steps-0-prompt', 'Hi! 🎉 Name?');
    await page.waitForFunction(() => document.getElementById('f-flow-steps-0-prompt-count')!.textContent!.startsWith('11 characters · UCS-2 · 1 segment'));
    // Only the money step shows the amount settings (the first step is a name).
    expect(await page.isVisible('#f-flow-steps-0-validate-minCents')).toBe(false);
    expect(await page.isVisible('#f-flow-steps-2-validate-minCents')).toBe(true);
    // Support contact left empty: the API's zod problem appears next to that field.
    await page.click('button:has-text("Create campaign")');
    await page.waitForSelector('#f-supportContact-error');
    expect(await page.textContent('#f-supportContact-error')).toMatch(/Error: .+/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    expect(await page.getAttribute('#f-supportContact', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#f-name')).toBe('Hall rally');
    await shot(page, '03-campaign-errors');
    await page.click('#error-summary a');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-supportContact');
    await page.keyboard.type('hall@example.org');
    await page.click('button:has-text("Create campaign")');
    await page.waitForURL(/\/campaigns\/[^/?]+\?saved=1$/);
    campaignId = /\/campaigns\/([^/?]+)/.exec(page.url())![1]!;
    expect(await page.textContent('.flash')).toContain('Campaign saved');
    liveLink = await page.inputValue('#live-link');
    expect(liveLink).toMatch(new RegExp(`^${publicUrl}/live/[A-Za-z0-9_-]{32}$`));
    await shot(page, '04-campaign-saved');
  });

  test('teams in the editor: a bad word is shown next to the box, then the teams are saved and counted on the campaign page', async () => {
    await page.goto(`${gw.url}/campaigns/${campaignId}`);
    expect(await unlabelled(page)).toEqual([]);
    await page.fill('#f-referrals-teams', 'NURSES | Nurses for Rosa\nSTOP | Stoppers');
    await page.check('#f-referrals-recruiterNotice');
    await page.click('button:has-text("Save changes")');
    await page.waitForSelector('#f-referrals-teams-error');
    expect(await page.textContent('#f-referrals-teams-error')).toBe('Error: line 2 (STOP): is a reserved compliance keyword');
    expect(await page.getAttribute('#f-referrals-teams', 'aria-invalid')).toBe('true');
    expect(await page.isChecked('#f-referrals-recruiterNotice')).toBe(true);
    await page.fill('#f-referrals-teams', 'NURSES | Nurses for Rosa | 50\nSTUDENTS | Students');
    await page.click('button:has-text("Save changes")');
    await page.waitForURL(/\/campaigns\/[^/?]+\?saved=1$/);
    expect(await page.textContent('#referrals [data-team="NURSES"]')).toBe('0');
    expect(await page.inputValue('#f-referrals-teams')).toBe('NURSES | Nurses for Rosa | 50\nSTUDENTS | Students');
    expect(await page.isChecked('#f-referrals-recruiterNotice')).toBe(true);
    await shot(page, '04b-campaign-teams');
  });

  test('rehearse the flow in the phone simulator (through the signed webhook)', async () => {
    await page.goto(`${gw.url}/rehearse?campaign=${campaignId}&phone=%2B12125550142`);
    expect(await unlabelled(page)).toEqual([]);
    const replies = () => page.locator('.bubble.them').count();
    const say = async (body: string, expectReplies: number) => {
      await page.fill('#sim-body', body);
      await page.press('#sim-body', 'Enter');
      await page.waitForFunction((n) => document.querySelectorAll('.bubble.them').length >= n, expectReplies);
    };
    await say('HALL', 1);
    expect(await page.locator('.bubble.them').first().textContent()).toContain('Hall Team: Thanks for joining!');
    expect(await page.locator('.bubble.them').first().textContent()).toContain('Hi! 🎉 Name?');
    await say('Ana', 2);
    await say('60601', 3);
    await say('10', 4);
    await say('SKIP', 5);
    expect(await page.locator('.bubble.them').last().textContent()).toContain("You're in, Ana!");
    expect(await replies()).toBe(5);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sim-body');
    await shot(page, '05-rehearse');
  });

  test('the live screen climbs within a second of a signed webhook, with no personal data', async () => {
    const live = await browser.context.newPage();
    await live.setViewportSize({ width: 1920, height: 1080 });
    await live.goto(liveLink);
    // The rehearsal's test number does not count.
    expect(await live.textContent('#joined')).toBe('0');
    const sse = (await SseClient.open(`${liveLink}/events`)).client;
    await live.waitForFunction(() => document.body.hasAttribute('data-updated'));

    const started = Date.now();
    const r = await textIn('HALL');
    expect(r.status).toBe(200);
    await live.waitForFunction(() => document.getElementById('joined')!.textContent === '1', null, { timeout: 5000 });
    const latencyMs = Date.now() - started;
    for (const body of ['Zebulon', '60614', '$250', 'zebulon.q@example.org']) expect((await textIn(body)).status).toBe(200);
    await live.waitForFunction(() => document.getElementById('completed')!.textContent === '1' && document.getElementById('pledged')!.textContent === '$250');
    expect(await live.textContent('#pct')).toBe('25%');
    expect(await live.getAttribute('#fill-v', 'height')).toBe('250');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'live-latency.json'), JSON.stringify({ textToScreenMs: latencyMs }, null, 2));

    // Readable from the back of the hall: big numbers, high contrast.
    const style = await live.evaluate(() => {
      const c = (sel: string) => getComputedStyle(document.querySelector(sel)!);
      return {
        bg: c('body').backgroundColor, num: c('#joined').color, money: c('#pledged').color, label: c('.label').color,
        cta: c('.cta').color, accent: c('.cta strong').color, size: parseFloat(c('#joined').fontSize),
      };
    });
    for (const fg of [style.num, style.money, style.label, style.cta, style.accent]) expect(contrastRatio(fg, style.bg)).toBeGreaterThanOrEqual(7);
    expect(style.size).toBeGreaterThanOrEqual(150);
    await shot(live, '06-live-1920x1080', false);

    await live.setViewportSize({ width: 390, height: 844 });
    const phone = await live.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      size: parseFloat(getComputedStyle(document.getElementById('pledged')!).fontSize),
    }));
    expect(phone.overflow).toBeLessThanOrEqual(0);
    expect(phone.size).toBeGreaterThanOrEqual(40);
    await shot(live, '07-live-phone');

    // No name, number or email anywhere on the screen or in its stream.
    await sse.waitFor((d: { completed: number }) => d.completed === 1);
    const html = await live.content();
    for (const needle of ['Zebulon', 'zebulon', '3125550177', '555-0177', '5550177', 'example.org', '12125550142', 'Ana']) {
      expect(html).not.toContain(needle);
      expect(sse.raw).not.toContain(needle);
    }
    sse.close();
    await live.close();
  });

  test('compose a broadcast with a merge field, see the live recipient count and samples, send it, watch delivery', async () => {
    await page.goto(`${gw.url}/broadcasts/new`);
    expect(await unlabelled(page)).toEqual([]);
    await page.fill('#f-name', 'Saturday canvass');
    await page.uncheck('#aud-c-0'); // the demo campaign
    await page.check('#aud-c-1'); // Hall rally
    await page.click('#f-template');
    await page.keyboard.type('Hi ');
    await page.click('button[data-insert="{{first_name|friend}}"]');
    await page.keyboard.type(', canvass Saturday!');
    expect(await page.inputValue('#f-template')).toBe('Hi {{first_name|friend}}, canvass Saturday!');
    // The live count: Zebulon only (the simulator's test number never counts).
    await page.waitForFunction(() => document.getElementById('live-count')!.textContent === '1 recipient');
    // The panel refreshes as you type: wait for the refresh of the whole text, not an earlier one.
    await page.waitForFunction(() => document.querySelector('#preview-panel .samples')?.textContent?.includes('canvass Saturday!') === true);
    expect(await page.textContent('#preview-panel .samples')).toContain('Hi Zebulon, canvass Saturday!');
    await page.fill('#f-audience-zipPrefix', '999');
    await page.waitForFunction(() => document.getElementById('live-count')!.textContent === '0 recipients');
    await page.fill('#f-audience-zipPrefix', '606');
    await page.waitForFunction(() => document.getElementById('live-count')!.textContent === '1 recipient');
    await shot(page, '09-broadcast-compose');
    await page.click('button:has-text("Send now")');
    await page.waitForURL(/\/broadcasts\/[^/?]+\?done=send$/);
    const sent = await until(() => fake.messagesTo(SUPPORTER)[0]);
    expect(sent.body).toContain('Hi Zebulon, canvass Saturday!');
    await page.waitForFunction(() => document.querySelector('[data-count="queued"]')?.textContent === '1', null, { timeout: 10_000 });
    expect(await fake.postStatus(sent.sid, 'delivered')).toBeLessThan(300);
    await page.waitForFunction(() => document.querySelector('[data-count="delivered"]')?.textContent === '1', null, { timeout: 10_000 });
    expect(await page.textContent('#bc-status')).toBe('Done');
    // The actions follow the status: nothing left to pause or cancel.
    expect(await page.isVisible('button:has-text("Pause")')).toBe(false);
    expect(await page.isVisible('button:has-text("Cancel broadcast")')).toBe(false);
    await shot(page, '10-broadcast-progress');
  });

  test('contacts: find the supporter, see the consent history, opt them out by hand', async () => {
    await page.goto(`${gw.url}/contacts`);
    await page.fill('#q', '0177');
    await page.press('#q', 'Enter');
    await page.click(`a:has-text("${SUPPORTER}")`);
    expect(await page.textContent('h1')).toContain('Zebulon');
    expect(await unlabelled(page)).toEqual([]);
    await page.click('button:has-text("Opt out this number")');
    await page.waitForSelector('.flash');
    expect(await page.textContent('.flash')).toContain('via admin');
    expect(await page.locator('table >> text=admin').count()).toBeGreaterThan(0);
    await shot(page, '08-contact');
    // Nothing more is sent to the number.
    expect((await textIn('hello?')).replies).toEqual([]);
  });

  test('download an export in one click (organizer, opted-out people included on request)', async () => {
    await page.goto(`${gw.url}/exports`);
    expect(await unlabelled(page)).toEqual([]);
    await page.check('#contacts-include_opted_out');
    await shot(page, '11-exports');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Download contacts.csv")')]);
    expect(download.suggestedFilename()).toMatch(/^rallytext-contacts-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = path.join(ARTIFACTS, 'organizer-contacts.csv');
    await download.saveAs(file);
    const csv = fs.readFileSync(file, 'utf8');
    expect(csv).toContain(SUPPORTER);
    expect(csv).not.toContain('+12125550142'); // the simulator's test number
  });

  test('sign out, and the pages need signing in again', async () => {
    await page.click('button:has-text("Sign out")');
    await page.waitForSelector('#token');
    await page.goto(`${gw.url}/campaigns/${campaignId}`);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.isVisible('#token')).toBe(true);
  });

  test('a volunteer sees only the inbox and exports, downloads one, and cannot reach the campaign page', async () => {
    await page.fill('#token', VOLUNTEER_TOKEN);
    await page.press('#token', 'Enter');
    await page.waitForURL('**/exports');
    expect(await page.locator('nav a').allTextContents()).toEqual(['Inbox', 'Exports']);
    expect(await page.locator('#contacts-include_opted_out').count()).toBe(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Download contacts.csv")')]);
    const file = path.join(ARTIFACTS, 'volunteer-contacts.csv');
    await download.saveAs(file);
    const csv = fs.readFileSync(file, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/phone/);
    expect(csv).not.toContain(SUPPORTER); // opted out by hand above: never in a volunteer's file
    await shot(page, '13-volunteer-exports');
    const res = await page.goto(`${gw.url}/campaigns/${campaignId}`);
    expect(res!.status()).toBe(403);
    expect(await page.textContent('main')).toContain('organizers only');
    expect(await page.locator('nav >> text=Campaigns').count()).toBe(0);
    await shot(page, '14-volunteer-forbidden');
  });
});
