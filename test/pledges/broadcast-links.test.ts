/** Broadcasts carry tracked links too: {{link:https://…}} becomes a short link when saved; its clicks show on the broadcast. */
import request from 'supertest';
import { admin, PUBLIC_BASE_URL, testApp, type TestApp } from '../helpers/app';

let t: TestApp;
let campaignId: string;
beforeEach(async () => {
  t = testApp();
  campaignId = (await admin(t.app).get('/api/campaigns')).body.campaigns[0].id;
});
afterEach(() => t.close());

test('a broadcast link is made once per URL, counts its clicks, and an http link is refused by path', async () => {
  const res = await admin(t.app).post('/api/broadcasts', {
    name: 'RSVP', audience: { campaigns: [campaignId] },
    template: 'Hi {{first_name|friend}}! RSVP: {{link:https://rally.example/rsvp?src=sms}} (again: {{link:https://rally.example/rsvp?src=sms}})',
  });
  expect(res.status).toBe(201);
  const m = new RegExp(`RSVP: (${PUBLIC_BASE_URL}/l/([A-Za-z0-9]+)) \\(again: \\1\\)`).exec(res.body.template);
  expect(m).not.toBeNull();
  expect(res.body.links).toEqual([{ target: 'https://rally.example/rsvp?src=sms', url: m![1], clicks: 0 }]);

  const go = await request(t.app).get(`/l/${m![2]}`);
  expect(go.status).toBe(302);
  expect(go.headers.location).toBe('https://rally.example/rsvp?src=sms');
  expect((await admin(t.app).get(`/api/broadcasts/${res.body.id}`)).body.links[0].clicks).toBe(1);

  const bad = await admin(t.app).post('/api/broadcasts', { name: 'x', audience: { campaigns: [campaignId] }, template: 'Go {{link:http://rally.example}}' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details[0]).toEqual({ path: 'template', message: '{{link:http://rally.example}} must be an https:// URL' });
});
