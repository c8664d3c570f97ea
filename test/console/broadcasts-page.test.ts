/**
 * Broadcast pages over real form posts with the real broadcast service, dispatcher and a loopback
 * fake Twilio API: the composer's live recipient count and samples, problems next to the field,
 * draft / schedule / send now, and the progress view whose counts come from the same API the
 * page polls.
 */
import request from 'supertest';
import { broadcastHarness, phone, sentBodies, type BroadcastHarness } from '../helpers/broadcast';
import { browser, signIn, type Signed } from '../helpers/console';

let h: BroadcastHarness;
let s: Signed;
beforeEach(async () => {
  h = await broadcastHarness();
  s = await signIn(h.app);
});
afterEach(() => h.shutdown());

const form = (over: Record<string, string | string[]> = {}) => ({
  name: 'Saturday canvass', template: 'Hi {{first_name|friend}}, canvass Saturday 10am!', footer: 'on',
  'audience.campaigns': h.demoCampaignId, ...over,
});

function post(path: string, body: Record<string, string | string[]>) {
  return request(h.app).post(path).set('Cookie', s.cookie).type('form').send({ _csrf: s.csrf, ...body });
}

describe('composer', () => {
  test('the live preview counts subscribed recipients only and renders samples with merge fields', async () => {
    h.addContact({ phone: phone(1), firstName: 'Ana' });
    h.addContact({ phone: phone(2), firstName: null });
    h.addContact({ phone: phone(3), status: 'opted_out' });
    h.addContact({ phone: phone(4), isTest: true });
    h.addContact({ phone: phone(5), status: 'pending' });
    const res = await post('/broadcasts/preview', form());
    expect(res.status).toBe(200);
    expect(res.body.recipients).toBe(2);
    expect(res.body.html).toContain('<strong>2</strong> recipients');
    expect(res.body.html).toContain('Hi Ana, canvass Saturday 10am!');
    expect(res.body.html).toContain('Hi friend, canvass Saturday 10am!');
    expect(res.body.html).not.toContain(phone(1)); // phones are masked in samples
    // Filters narrow it down.
    const zip = await post('/broadcasts/preview', form({ 'audience.zipPrefix': '999' }));
    expect(zip.body.recipients).toBe(0);
  });

  test('the preview needs the CSRF token like any post', async () => {
    const res = await request(h.app).post('/broadcasts/preview').set('Cookie', s.cookie).type('form').send(form());
    expect(res.status).toBe(403);
  });

  test('problems are shown next to their field and nothing is created', async () => {
    const res = await post('/broadcasts/new', { ...form({ template: 'Hi {{nickname}}' }), op: 'draft' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="f-template-error"><span class="visually-hidden">Error: <\/span>unknown merge field \{\{nickname\}\}/);
    expect(res.text).toContain('value="Saturday canvass"');
    const zip = await post('/broadcasts/new', { ...form({ 'audience.zipPrefix': 'abc' }), op: 'draft' });
    expect(zip.status).toBe(400);
    expect(zip.text).toMatch(/id="f-audience-zipPrefix-error"><span class="visually-hidden">Error: <\/span>must be 1-5 digits/);
    expect(zip.text).toContain('<a href="#f-audience-zipPrefix">ZIP starts with: must be 1-5 digits</a>');
    const none = await post('/broadcasts/new', { ...form(), 'audience.campaigns': [], op: 'draft' });
    expect(none.status).toBe(400);
    expect(none.text).toContain('id="aud-campaigns-error"');
    expect(h.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM broadcasts').get()).toEqual({ n: 0 });
  });

  test('the no-JavaScript preview button renders the same preview in the page', async () => {
    h.addContact({ phone: phone(1), firstName: 'Ana' });
    const res = await post('/broadcasts/new', { ...form(), op: 'preview' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('1 recipients');
    expect(res.text).toContain('Hi Ana, canvass Saturday 10am!');
  });

  test('save as draft, then schedule (the browser sends the instant with its zone)', async () => {
    const draft = await post('/broadcasts/new', { ...form(), op: 'draft' });
    expect(draft.status).toBe(303);
    const id = /^\/broadcasts\/([^?]+)\?done=draft$/.exec(draft.headers.location!)![1]!;
    expect((await h.status(id)).status).toBe('draft');
    const sched = await post('/broadcasts/new', { ...form({ name: 'Later' }), sendAt: '2026-11-22T18:00:00.000Z', op: 'schedule' });
    const sid = /^\/broadcasts\/([^?]+)/.exec(sched.headers.location!)![1]!;
    expect(await h.status(sid)).toMatchObject({ status: 'scheduled', sendAt: '2026-11-22T18:00:00.000Z' });
    const missing = await post('/broadcasts/new', { ...form(), op: 'schedule' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('choose when to send it');
  });
});

describe('progress', () => {
  test('send now: the progress page and the API it polls show the delivery counts', async () => {
    for (let i = 1; i <= 3; i++) h.addContact({ phone: phone(i), firstName: `P${i}` });
    const res = await post('/broadcasts/new', { ...form(), op: 'send' });
    expect(res.status).toBe(303);
    const id = /^\/broadcasts\/([^?]+)/.exec(res.headers.location!)![1]!;
    const before = await browser(h.app, s).get(res.headers.location!);
    expect(before.text).toContain('Sending started.');
    expect(before.text).toContain(`data-poll="/api/broadcasts/${id}"`);
    await h.dispatcher.runUntilIdle();
    expect(sentBodies(h.fake)).toHaveLength(3);
    const polled = await request(h.app).get(`/api/broadcasts/${id}`).set('Cookie', s.cookie);
    expect(polled.status).toBe(200);
    expect(polled.body.counts).toMatchObject({ total: 3, queued: 3 });
    const after = await browser(h.app, s).get(`/broadcasts/${id}`);
    expect(after.text).toMatch(/<td class="num" data-count="queued">3<\/td>/);
    expect(after.text).toContain('<progress id="bc-progress" max="3" value="3"></progress>');
    const list = await browser(h.app, s).get('/broadcasts');
    expect(list.text).toContain('Saturday canvass');
  });

  test('pause, resume and cancel from the page', async () => {
    h.addContact({ phone: phone(1) });
    const res = await post('/broadcasts/new', { ...form(), op: 'draft' });
    const id = /^\/broadcasts\/([^?]+)/.exec(res.headers.location!)![1]!;
    expect((await post(`/broadcasts/${id}/action`, { op: 'send' })).status).toBe(303);
    expect((await post(`/broadcasts/${id}/action`, { op: 'pause' })).status).toBe(303);
    expect((await h.status(id)).status).toBe('paused');
    expect((await post(`/broadcasts/${id}/action`, { op: 'cancel' })).status).toBe(303);
    expect((await h.status(id)).status).toBe('canceled');
    const again = await post(`/broadcasts/${id}/action`, { op: 'resume' });
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toMatch(/html/);
  });

  test('the volunteer sees the delivery report on the exports page but no broadcast pages', async () => {
    h.addContact({ phone: phone(1) });
    const res = await post('/broadcasts/new', { ...form(), op: 'send' });
    const id = /^\/broadcasts\/([^?]+)/.exec(res.headers.location!)![1]!;
    await h.dispatcher.runUntilIdle();
    const v = await signIn(h.app, 'volunteer-token-0123456789abcdef');
    expect((await browser(h.app, v).get('/broadcasts')).status).toBe(403);
    const page = await browser(h.app, v).get('/exports');
    expect(page.text).toContain('Broadcast delivery reports');
    const go = await browser(h.app, v).get(`/exports/download?kind=broadcast&id=${id}&status=`);
    expect(go.headers.location).toBe(`/api/exports/broadcasts/${id}.csv`);
    const csv = await browser(h.app, v).get(go.headers.location!);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(phone(1));
  });
});
