/** The console shows pledged against paid and the sequences' counts on the campaign page, and a contact's follow-up schedule; the live screen shows paid next to pledged. */
import request from 'supertest';
import { admin, testApp, text, type TestApp } from '../helpers/app';
import { browser, signIn } from '../helpers/console';
import { LiveScreens } from '../../src/usecases/live/screens';

let t: TestApp;
beforeAll(() => {
  t = testApp({ DONATIONS_WEBHOOK_USER: 'ab', DONATIONS_WEBHOOK_PASSWORD: 'webhook-password-123' });
});
afterAll(() => t.close());

test('campaign page: from pledge to paid, with the sequences; contact page: the schedule', async () => {
  const campaignId = (await admin(t.app).get('/api/campaigns')).body.campaigns[0].id as string;
  const seq = await admin(t.app).post('/api/sequences', { campaignId, name: 'Thank-you note', trigger: 'pledged', steps: [{ after: 'P3D', template: 'Thank you!' }] });
  expect(seq.status).toBe(201);
  for (const [phone, amount] of [['+13125550160', '10'], ['+13125550161', '25']] as const) {
    for (const body of ['JOIN', 'Ana', '60601', amount]) await text(t.app, phone, body);
  }
  await request(t.app).post('/webhooks/donations').set('Authorization', `Basic ${Buffer.from('ab:webhook-password-123').toString('base64')}`)
    .set('Content-Type', 'application/json').send({ contributionId: 'C1', amount: 10, phone: '+13125550160' });

  const b = browser(t.app, await signIn(t.app));
  const page = (await b.get(`/campaigns/${campaignId}`)).text;
  expect(page).toContain('From pledge to paid');
  expect(page).toMatch(/<strong>\$35<\/strong> pledged by 2 people ·\s*<strong>\$10<\/strong> paid \(28%\)/);
  expect(page).toMatch(/Thank-you note<\/td><td>pledged<\/td>\s*<td class="num">2<\/td><td class="num">0<\/td>/);
  expect(page).not.toContain('+13125550160');

  // The live screen shows what was paid tonight next to what was pledged (totals only).
  const { display } = await new LiveScreens({ ...t.ctx, hub: t.ctx.live }).panel(campaignId);
  const live = (await request(t.app).get(`/live/${display.token}`)).text;
  expect(live).toContain('<span class="num" id="pledged">$35</span><span class="label">pledged monthly · <span id="paid">$10</span> paid</span>');
  expect(live).not.toContain('+13125550160');

  const contactId = t.ctx.db.sqlite.prepare('SELECT id FROM contacts WHERE phone = ?').get('+13125550160') as { id: string };
  const contact = (await b.get(`/contacts/${contactId.id}`)).text;
  expect(contact).toContain('Follow-up schedule');
  expect(contact).toMatch(/2026-11-24T20:00:\d\d\.\d{3}Z<\/td><td>Thank-you note<\/td><td>1<\/td>\s*<td>scheduled<\/td>/);
});
