/**
 * The audit log through the real listener: an entry for every audited action issue 11 names —
 * broadcast created (a plain text and one that asks)/sent/cancelled, campaign edited, export
 * downloaded, import applied (once, though staged and applied in chunks), reply sent, contact
 * opted out by hand — by whoever did it (tokens, people, console and API), GET /api/audit newest first with limit/before paging and precise 400s, organizers
 * only, and the Audit page.
 */
import request from 'supertest';
import { ADMIN_TOKEN, VOLUNTEER_TOKEN, testApp, text, type TestApp } from '../helpers/app';
import { accept, auditEntries, invite } from '../helpers/accounts';
import { browser, signIn } from '../helpers/console';
import { postImport } from '../helpers/imports';
import { AUDIT_ACTIONS } from '../../src/usecases/audit/audit';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

const admin = () => {
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  return {
    get: (p: string) => request(t.app).get(p).set(auth),
    post: (p: string, body?: object) => request(t.app).post(p).set(auth).send(body),
    put: (p: string, body?: object) => request(t.app).put(p).set(auth).send(body),
  };
};

test('every audited action leaves one entry naming who did it and what it was done to', async () => {
  const api = admin();
  const campaign = (await api.get('/api/campaigns')).body.campaigns[0];
  await text(t.app, '+13125550101', 'JOIN');

  // Broadcasts over the API: created, sent, cancelled.
  const b = (await api.post('/api/broadcasts', { name: 'Saturday', template: 'Canvass Saturday?', audience: { campaigns: [campaign.id] } })).body;
  expect((await api.post(`/api/broadcasts/${b.id}/send`)).status).toBe(202);
  expect((await api.post(`/api/broadcasts/${b.id}/cancel`)).status).toBe(200);
  // Campaign edited (API: the goal; console: a save), by a person.
  expect((await api.put(`/api/campaigns/${campaign.id}/goal`, { goalCents: 50_000 })).status).toBe(200);
  const ana = await accept(t.app, await invite(t.app, 'ana@example.org', 'organizer'), 'Ana');
  const full = (await api.get(`/api/campaigns/${campaign.id}`)).body;
  const { id: _i, active: _a, createdAt: _c, updatedAt: _u, ...spec } = full;
  expect((await request(t.app).put(`/api/campaigns/${campaign.id}`).set('Cookie', ana.cookie).set('X-CSRF-Token', ana.csrf).send({ ...spec, name: 'Rally 2' })).status).toBe(200);
  // Export downloaded (volunteer token), import applied, contact opted out by hand (console, person).
  expect((await request(t.app).get('/api/exports/contacts.csv').set('Authorization', `Bearer ${VOLUNTEER_TOKEN}`)).status).toBe(200);
  // 1,200 rows: staged and applied in several chunks, still one entry.
  const rows = Array.from({ length: 1200 }, (_, i) => `+1312555${String(2000 + i).padStart(4, '0')},P${i}`).join('\n');
  const imported = await postImport(t.app, `phone,first_name\n+13125550111,Kim\n${rows}\n`, '?consent=none&filename=list.csv');
  expect(imported.status).toBe(200);
  expect(imported.body.totals.created).toBe(1201);
  expect((await postImport(t.app, 'phone\n+13125550112\n', '?dry_run=1')).status).toBe(200); // a dry run is not audited
  const contactId = (t.ctx.db.sqlite.prepare("SELECT id FROM contacts WHERE phone = '+13125550101'").get() as { id: string }).id;
  expect((await browser(t.app, ana).post(`/contacts/${contactId}/opt-out`, {})).status).toBe(303);
  expect((await browser(t.app, ana).post(`/contacts/${contactId}/opt-out`, {})).status).toBe(303); // already out: nothing new
  // Console broadcast created and sent in one go, by the organizer token's session.
  const tokenSession = browser(t.app, await signIn(t.app));
  const made = await tokenSession.post('/broadcasts/new', { op: 'send', name: 'Tonight', template: 'See you tonight', 'audience.campaigns': campaign.id, footer: '1' });
  expect(made.status).toBe(303);
  // A broadcast that asks (a flow), over the API.
  const asking = await api.post('/api/broadcasts', {
    name: 'RSVP', audience: { campaigns: [campaign.id] },
    flow: {
      steps: [{ id: 'rsvp', prompt: 'Can you canvass Saturday? Reply YES or NO', capture: 'canvass_sat', validate: { type: 'yesno' }, reprompt: 'Reply YES or NO' }],
      completion: 'Thanks!',
    },
  });
  expect(asking.status).toBe(201);
  // A reply sent from the inbox by a volunteer person, to a supporter's unclaimed text.
  await text(t.app, '+13125550102', 'JOIN');
  await text(t.app, '+13125550102', 'Lee');
  await text(t.app, '+13125550102', '60601');
  await text(t.app, '+13125550102', 'SKIP');
  await text(t.app, '+13125550102', 'SKIP');
  await text(t.app, '+13125550102', 'where do I park?');
  const threadId = (await api.get('/api/inbox')).body.threads[0].contactId;
  const vic = await accept(t.app, await invite(t.app, 'vic@example.org', 'volunteer'), 'Vic');
  const reply = await request(t.app).post(`/api/inbox/${threadId}/replies`).set('Cookie', vic.cookie).set('X-CSRF-Token', vic.csrf).send({ body: 'Park on Elm St.' });
  expect(reply.status).toBe(202);
  // A refused reply (too long) is not audited.
  expect((await api.post(`/api/inbox/${threadId}/replies`, { body: 'x'.repeat(1601) })).status).toBe(400);

  const entries = await auditEntries(t.app);
  const idOf = (email: string) => `user:${(t.ctx.db.sqlite.prepare('SELECT id FROM users WHERE email = ?').get(email) as { id: string }).id}`;
  const [anaId, vicId] = [idOf('ana@example.org'), idOf('vic@example.org')];
  const seen = entries.map((e) => [e.action, e.actor.id, e.target?.type ?? null]).reverse();
  expect(seen).toEqual([
    ['broadcast.created', 'token:admin', 'broadcast'],
    ['broadcast.sent', 'token:admin', 'broadcast'],
    ['broadcast.cancelled', 'token:admin', 'broadcast'],
    ['campaign.edited', 'token:admin', 'campaign'],
    ['person.invited', 'token:admin', 'person'],
    ['person.joined', anaId, 'person'],
    ['campaign.edited', anaId, 'campaign'],
    ['export.downloaded', 'token:volunteer', 'export'],
    ['import.applied', 'token:admin', 'import'],
    ['contact.opted_out', anaId, 'contact'],
    ['person.signed_in', 'token:admin', null],
    ['broadcast.created', 'token:admin', 'broadcast'],
    ['broadcast.sent', 'token:admin', 'broadcast'],
    ['broadcast.created', 'token:admin', 'broadcast'],
    ['person.invited', 'token:admin', 'person'],
    ['person.joined', vicId, 'person'],
    ['reply.sent', vicId, 'contact'],
  ]);
  const byAction = (a: string) => entries.filter((e) => e.action === a);
  expect(byAction('broadcast.sent')[1]!.details).toMatchObject({ name: 'Saturday', status: 'sending' });
  expect(byAction('campaign.edited')[0]!.details).toMatchObject({ name: 'Rally 2', change: 'replaced' });
  expect(byAction('campaign.edited')[1]!.details).toEqual({ change: 'goal', goalCents: 50_000 });
  expect(byAction('import.applied')[0]!.details).toMatchObject({ filename: 'list.csv', totals: expect.objectContaining({ created: 1201, rows: 1201 }) });
  expect(byAction('export.downloaded')[0]).toMatchObject({ actor: { name: 'Volunteer token', role: 'volunteer' }, details: { export: 'contacts' } });
  expect(byAction('contact.opted_out')[0]).toMatchObject({ target: { type: 'contact', id: contactId }, actor: { name: 'Ana', role: 'organizer' } });
  expect(byAction('reply.sent')[0]).toMatchObject({ target: { id: threadId }, actor: { name: 'Vic', role: 'volunteer' }, details: { characters: 15, segments: 1 } });
  expect(byAction('broadcast.created')[0]).toMatchObject({ target: { id: asking.body.id }, details: { name: 'RSVP' } });
  // Every action issue 11 names is covered above.
  for (const a of ['broadcast.created', 'broadcast.sent', 'broadcast.cancelled', 'campaign.edited', 'export.downloaded', 'import.applied', 'reply.sent', 'contact.opted_out']) {
    expect(byAction(a).length).toBeGreaterThan(0);
  }
  for (const e of entries) expect(AUDIT_ACTIONS).toContain(e.action);
  for (const e of entries) expect(new Date(e.at).toISOString()).toBe(e.at);
});

test('GET /api/audit pages newest first with limit and before; junk is a 400; organizers only', async () => {
  const api = admin();
  for (let i = 0; i < 7; i++) {
    await api.post('/api/people/invites', { email: `p${i}@example.org`, role: 'volunteer' });
    t.clock.advance(1000);
  }
  const first = await api.get('/api/audit?limit=3');
  expect(first.status).toBe(200);
  expect(first.body.entries.map((e: { details: { email: string } }) => e.details.email)).toEqual(['p6@example.org', 'p5@example.org', 'p4@example.org']);
  expect(Object.keys(first.body.entries[0]).sort()).toEqual(['action', 'actor', 'at', 'details', 'seq', 'target']);
  const second = await api.get(`/api/audit?limit=3&before=${first.body.next}`);
  expect(second.body.entries.map((e: { details: { email: string } }) => e.details.email)).toEqual(['p3@example.org', 'p2@example.org', 'p1@example.org']);
  const third = await api.get(`/api/audit?limit=3&before=${second.body.next}`);
  expect(third.body.entries.map((e: { details: { email: string } }) => e.details.email)).toEqual(['p0@example.org']);
  expect(third.body.next).toBeNull();
  expect((await api.get('/api/audit')).body.entries).toHaveLength(7);

  for (const q of ['limit=0', 'limit=201', 'limit=-1', 'limit=1.5', 'limit=abc', 'before=0', 'before=-3', 'before=abc', 'before=1e3', 'before=99999999999999999', 'x=1', 'limit=1&limit=2']) {
    const res = await api.get(`/api/audit?${q}`);
    expect({ q, status: res.status, code: res.body.error?.code }).toEqual({ q, status: 400, code: 'validation_failed' });
  }
  expect((await api.get('/api/audit?limit=200&before=999999')).status).toBe(200);
  expect((await request(t.app).get('/api/audit').set('Authorization', `Bearer ${VOLUNTEER_TOKEN}`)).status).toBe(403);
  expect((await request(t.app).get('/api/audit')).status).toBe(401);
});

test('the Audit page lists entries newest first, pages back, and is for organizers only', async () => {
  const api = admin();
  for (let i = 0; i < 55; i++) await api.post('/api/people/invites', { email: `p${i}@example.org`, role: 'volunteer' });
  const org = browser(t.app, await signIn(t.app));
  const page = await org.get('/audit');
  expect(page.status).toBe(200);
  expect(page.text).toContain('<a href="/audit" aria-current="page">Audit</a>');
  const emails = [...page.text.matchAll(/person <a href="\/people">([^<]+)<\/a>/g)].map((m) => m[1]);
  expect(emails[0]).toBe('p54@example.org');
  const older = /<a href="(\/audit\?before=\d+)">Older entries<\/a>/.exec(page.text)![1]!;
  const next = await org.get(older);
  expect(next.text).toContain('p0@example.org');
  expect(next.text).not.toContain('p54@example.org');
  expect((await org.get('/audit?before=junk')).status).toBe(400);
  const vol = browser(t.app, await signIn(t.app, VOLUNTEER_TOKEN));
  expect((await vol.get('/audit')).status).toBe(403);
  expect((await vol.get('/exports')).text).not.toContain('href="/audit"');
});
