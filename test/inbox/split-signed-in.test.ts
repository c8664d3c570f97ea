/**
 * Spoke-style assignment through the real listener: an organizer splits unassigned threads among
 * the volunteers signed in right now (`assignees: "signed_in"` in the API; the console's Split
 * form lists them by name, ticked). Signed in means an active volunteer account with a console
 * session that has not expired or been signed out; organizers, the shared volunteer token,
 * disabled people and people who signed out are not dealt threads.
 */
import request from 'supertest';
import { admin, testApp, text, VOLUNTEER_TOKEN, type TestApp } from '../helpers/app';
import { accept, auditEntries, invite } from '../helpers/accounts';
import { browser, signIn, type Signed } from '../helpers/console';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

/** A subscribed supporter who then texts something no flow answers: an unassigned thread. */
async function thread(phone: string, question: string): Promise<string> {
  for (const body of ['JOIN', 'Sam', '60601', 'SKIP', 'SKIP', question]) await text(t.app, phone, body);
  t.clock.advance(60_000);
  return (await admin(t.app).get('/api/inbox')).body.threads.find((th: { lastText: string }) => th.lastText === question).contactId;
}

const userId = (email: string) => `user:${(t.ctx.db.sqlite.prepare('SELECT id FROM users WHERE email = ?').get(email) as { id: string }).id}`;
const assigneeOf = async (contactId: string) => (await admin(t.app).get(`/api/inbox/${contactId}?peek=1`)).body.assignee;

async function person(email: string, role: 'organizer' | 'volunteer', name: string): Promise<Signed> {
  return accept(t.app, await invite(t.app, email, role), name);
}

test('API: "signed_in" deals threads among the volunteers signed in now, round robin or by count; nobody signed in is a 409', async () => {
  const api = admin(t.app);
  // Nobody signed in as themselves yet (a token session is no one in particular).
  await signIn(t.app, VOLUNTEER_TOKEN);
  const ids = [await thread('+13125550101', 'q1')];
  const none = await api.post('/api/inbox/split', { assignees: 'signed_in' });
  expect(none.status).toBe(409);
  expect(none.body.error.details).toEqual([{ path: 'assignees', message: 'no volunteer is signed in' }]);
  expect(await assigneeOf(ids[0]!)).toBeNull();

  // A volunteer whose session expired, then the others sign in.
  await person('old@example.org', 'volunteer', 'Olga Old');
  t.clock.advance(13 * 3_600_000);
  const bea = await person('bea@example.org', 'volunteer', 'Bea');
  await person('al@example.org', 'volunteer', 'Al');
  await person('org@example.org', 'organizer', 'Orla Organizer');
  const gone = await person('gone@example.org', 'volunteer', 'Gus Gone');
  expect((await browser(t.app, gone).post('/signout', {})).status).toBe(303);
  await person('off@example.org', 'volunteer', 'Dee Disabled');
  expect((await api.post(`/api/people/${userId('off@example.org').slice(5)}/disable`)).status).toBe(200);

  for (let i = 2; i <= 5; i++) ids.push(await thread(`+1312555010${i}`, `q${i}`));
  const [al, beaId] = [userId('al@example.org'), userId('bea@example.org')];

  const byCount = await api.post('/api/inbox/split', { assignees: 'signed_in', mode: 'count', count: 1 });
  expect(byCount.status).toBe(200);
  expect(byCount.body).toEqual({ assigned: { [al]: 1, [beaId]: 1 }, total: 2, assignees: [{ id: al, name: 'Al' }, { id: beaId, name: 'Bea' }] });
  const rr = await api.post('/api/inbox/split', { assignees: 'signed_in' });
  expect(rr.body).toMatchObject({ assigned: { [al]: 2, [beaId]: 1 }, total: 3 });
  expect(await Promise.all(ids.map(assigneeOf))).toEqual([al, beaId, al, beaId, al]);
  // Nothing left to deal: 200 with zero each.
  expect((await api.post('/api/inbox/split', { assignees: 'signed_in' })).body).toMatchObject({ total: 0, assigned: { [al]: 0, [beaId]: 0 } });

  // Bea's "next" opens the oldest unread thread dealt to her.
  const beaApi = browser(t.app, bea);
  expect((await request(t.app).get('/api/inbox/next').set('Cookie', bea.cookie)).body.thread).toMatchObject({ contactId: ids[1] });
  expect((await beaApi.get('/inbox/next')).headers.location).toBe(`/inbox/${ids[1]}`);

  // Bad input: precise 400s; volunteers may not split.
  for (const body of [{ assignees: 'everyone' }, { assignees: 'signed_in', mode: 'count' }, { assignees: ['signed_in'] }, { assignees: null }]) {
    const res = await api.post('/api/inbox/split', body);
    expect({ body, status: res.status }).toEqual({ body, status: 400 });
  }
  expect((await request(t.app).post('/api/inbox/split').set('Authorization', `Bearer ${VOLUNTEER_TOKEN}`).send({ assignees: 'signed_in' })).status).toBe(403);

  const splits = (await auditEntries(t.app)).filter((e) => e.action === 'threads.split');
  expect(splits.map((e) => e.details)).toEqual([
    { mode: 'round_robin', signedIn: true, assigned: { [al]: 0, [beaId]: 0 }, total: 0 },
    { mode: 'round_robin', signedIn: true, assigned: { [al]: 2, [beaId]: 1 }, total: 3 },
    { mode: 'count', count: 1, signedIn: true, assigned: { [al]: 1, [beaId]: 1 }, total: 2 },
  ]);
  expect(splits[0]!.actor).toMatchObject({ id: 'token:admin' });
});

test('console: the Split form lists the volunteers signed in, ticked, by name; splitting deals to the ticked ones', async () => {
  const orgSession = await signIn(t.app, undefined, '/inbox');
  const org = browser(t.app, orgSession);
  const empty = await org.get('/inbox');
  expect(empty.text).toContain('No volunteer is signed in with their own account right now');
  expect(empty.text).toMatch(/id="assignees"[^>]*value="token:volunteer"/);

  await person('bea@example.org', 'volunteer', 'Bea Baker');
  await person('al@example.org', 'volunteer', 'Al Adams');
  await person('cy@example.org', 'volunteer', 'Cy Cole');
  const ids = [await thread('+13125550101', 'q1'), await thread('+13125550102', 'q2'), await thread('+13125550103', 'q3')];
  const page = await org.get('/inbox');
  const boxes = [...page.text.matchAll(/<input type="checkbox" id="split-person-\d+" name="assignee" value="([^"]+)" checked><label for="split-person-\d+">([^<]+)<\/label>/g)]
    .map((m) => [m[1], m[2]]);
  const [al, bea, cy] = ['al@example.org', 'bea@example.org', 'cy@example.org'].map(userId);
  expect(boxes).toEqual([[al, 'Al Adams'], [bea, 'Bea Baker'], [cy, 'Cy Cole']]);
  expect(page.text).toMatch(/id="assignees"[^>]*value=""/);
  // Volunteers do not get the form.
  const vol = browser(t.app, await signIn(t.app, VOLUNTEER_TOKEN, '/inbox'));
  expect((await vol.get('/inbox')).text).not.toContain('split-people');

  // Cy is unticked (a browser sends only the ticked boxes); the token volunteer is typed in.
  const res = await request(t.app).post('/inbox/split').set('Cookie', orgSession.cookie).type('form')
    .send(`_csrf=${encodeURIComponent(orgSession.csrf)}&assignee=${encodeURIComponent(al!)}&assignee=${encodeURIComponent(bea!)}&assignees=token%3Avolunteer&mode=round_robin&count=`);
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe('/inbox?view=open&done=split');
  expect(await Promise.all(ids.map(assigneeOf))).toEqual([al, bea, 'token:volunteer']);
});
