/**
 * The Inbox in a real browser (in-process listener on loopback): a volunteer signs in, the thread
 * list and the open thread update live (SSE) when texts arrive, a canned response goes into the
 * reply box with its merge field filled in and the segment counter follows, the reply is queued,
 * and the thread is marked done. A screenshot of the thread goes to test-artifacts/inbox/.
 */
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { admin, testApp, text, VOLUNTEER_TOKEN, type TestApp } from '../helpers/app';
import { describeWithBrowser, launchBrowser, type LaunchedBrowser } from '../helpers/browser';

const SHOTS = path.join(__dirname, '..', '..', 'test-artifacts', 'inbox');

describeWithBrowser('the inbox in a real browser', () => {
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
    const events = t.ctx.inboxEvents;
    const subscribe = events.subscribe.bind(events);
    events.subscribe = (...args) => {
      const sub = subscribe(...args);
      if (!('refused' in sub)) streams += 1;
      return sub;
    };
  });

  afterAll(async () => {
    await browser?.close();
    t.ctx.inboxEvents.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    t.close();
  });

  async function supporter(phone: string, name: string, question: string): Promise<string> {
    for (const body of ['JOIN', name, '60601', 'SKIP', 'SKIP', question]) {
      await text(t.app, phone, body);
      t.clock.advance(15_000);
    }
    return (await admin(t.app).get('/api/inbox')).body.threads.find((th: { firstName: string }) => th.firstName === name).contactId;
  }

  /** The current page's event stream is connected (the n-th page to open one). */
  let streams = 0;
  async function streamOpen(n: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (streams < n) {
      if (Date.now() > deadline) throw new Error('the page never opened its inbox event stream');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  test('a volunteer answers a thread with a canned response while texts arrive live', async () => {
    await admin(t.app).post('/api/canned-responses', { title: 'Parking', body: 'Hi {{first_name|friend}}! Park on Elm St, doors at 6.' });
    const ana = await supporter('+13125550111', 'Ana', 'where do I park?');

    await page.goto(`${url}/`);
    await page.fill('#token', VOLUNTEER_TOKEN);
    await page.press('#token', 'Enter');
    await page.waitForURL('**/exports');
    await page.click('nav a:has-text("Inbox")');
    await page.waitForURL('**/inbox');
    await page.waitForSelector('#threads >> text=where do I park?');

    // A new thread appears without reloading the page.
    await streamOpen(1);
    await supporter('+13125550112', 'Maya', 'can I bring my kid?');
    await page.waitForSelector('#threads >> text=can I bring my kid?');

    await page.click(`a[href="/inbox/${ana}"]`);
    await page.waitForSelector('#messages >> text=where do I park?');
    expect(await page.textContent('aside')).toContain('60601');
    await page.click('.canned button:has-text("Parking")');
    expect(await page.inputValue('#reply-body')).toBe('Hi Ana! Park on Elm St, doors at 6.');
    expect(await page.textContent('#reply-count')).toMatch(/^35 characters · GSM-7 · 1 segment/);

    // The supporter writes again while the thread is open: it shows up here.
    await streamOpen(2);
    t.clock.advance(60_000);
    await text(t.app, '+13125550111', 'also, is there food?');
    await page.waitForSelector('#messages >> text=also, is there food?');
    expect(await page.inputValue('#reply-body')).toBe('Hi Ana! Park on Elm St, doors at 6.');
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'thread.png'), fullPage: true });

    await page.click('#send-reply');
    await page.waitForURL(/done=sent/);
    await page.waitForSelector('#messages >> text=Hi Ana! Park on Elm St, doors at 6.');
    expect(t.ctx.db.sqlite.prepare("SELECT body FROM outbound_messages WHERE status = 'queued'").all()).toEqual([{ body: 'Hi Ana! Park on Elm St, doors at 6.' }]);

    await page.click('#mark-done');
    await page.waitForURL(/done=done/);
    expect((await admin(t.app).get(`/api/inbox/${ana}?peek=1`)).body.status).toBe('done');
  });
});
