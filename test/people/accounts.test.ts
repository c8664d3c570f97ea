/**
 * People accounts through the real listener: an invite printed by the real CLI, the one-time link
 * (set a name and password), signing in as oneself (the session acts as user:<id>), roles
 * enforced for a volunteer person, disabling and a new password ending sessions.
 */
import request from 'supertest';
import { ADMIN_TOKEN, testApp, type TestApp } from '../helpers/app';
import { accept, auditEntries, invite, PASSWORD, passwordSignIn, signedFrom } from '../helpers/accounts';
import { buildCli, removeCli, runCli } from '../helpers/cli';
import { browser, sessionCookie, signIn } from '../helpers/console';

let t: TestApp;
afterEach(() => t.close());

describe('an invite from the command line', () => {
  let cli: string;
  beforeAll(() => {
    cli = buildCli();
  });
  afterAll(() => removeCli(cli));

  test('rallytext users invite prints a one-time link; the person sets a password, signs in, and acts as themselves', async () => {
    t = testApp();
    const env = { DATABASE_URL: t.config.databaseUrl, LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'https://sms.rally.example' };
    const out = await runCli(cli, ['users', 'invite', ' Ana@Example.org ', '--role', 'organizer'], env);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('Invite for ana@example.org (organizer)');
    const link = out.stdout.toString().trim();
    expect(link).toMatch(/^https:\/\/sms\.rally\.example\/join\/[A-Za-z0-9_-]{43}$/);
    const token = link.split('/').pop()!;
    // Only the token's hash is stored.
    expect(JSON.stringify(t.ctx.db.sqlite.prepare('SELECT * FROM user_invites').all())).not.toContain(token);

    const path = new URL(link).pathname;
    const page = await request(t.app).get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('ana@example.org');
    expect(page.text).toContain('an organizer');

    // Too short a password: a 400 naming the field, the link still works.
    const short = await request(t.app).post(path).type('form').send({ name: 'Ana', password: 'short' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('at least 12 characters');

    const session = await accept(t.app, path, 'Ana Ortiz');
    const stored = t.ctx.db.sqlite.prepare('SELECT password_hash, status, name FROM users WHERE email = ?').get('ana@example.org') as Record<string, string>;
    expect(stored).toMatchObject({ status: 'active', name: 'Ana Ortiz' });
    expect(stored.password_hash).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored.password_hash).not.toContain(PASSWORD);

    // The link is one-time.
    expect((await request(t.app).get(path)).status).toBe(409);
    expect((await request(t.app).post(path).type('form').send({ name: 'Eve', password: 'another long password' })).status).toBe(409);

    // The invited organizer's session reaches organizer pages and shows who they are.
    const home = await browser(t.app, session).get('/people');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Ana Ortiz · Organizer');

    // Signing in with the password starts a session acting as user:<id>.
    const res = await passwordSignIn(t.app, 'ANA@example.org', PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/campaigns');
    const s2 = await signedFrom(t.app, res);
    const campaignId = (await request(t.app).get('/api/campaigns').set('Authorization', `Bearer ${ADMIN_TOKEN}`)).body.campaigns[0].id;
    const created = await request(t.app).post('/api/broadcasts').set('Cookie', s2.cookie).set('X-CSRF-Token', s2.csrf)
      .send({ name: 'Saturday', template: 'Canvass Saturday?', audience: { campaigns: [campaignId] } });
    expect(created.status).toBe(201);
    const userId = (t.ctx.db.sqlite.prepare('SELECT id FROM users').get() as { id: string }).id;
    const entries = await auditEntries(t.app);
    expect(entries.find((e) => e.action === 'broadcast.created')).toMatchObject({
      actor: { id: `user:${userId}`, name: 'Ana Ortiz', role: 'organizer' }, target: { type: 'broadcast', id: created.body.id },
    });
    expect(entries.map((e) => [e.action, e.actor.id])).toEqual(expect.arrayContaining([
      ['person.invited', 'cli'], ['person.joined', `user:${userId}`], ['person.signed_in', `user:${userId}`],
    ]));

    // users list / disable from the CLI.
    const list = await runCli(cli, ['users', 'list'], env);
    expect(list.stdout.toString()).toMatch(/ana@example\.org\s+organizer\s+active\s+Ana Ortiz/);
    const again = await runCli(cli, ['users', 'invite', 'ana@example.org'], env);
    expect(again.code).toBe(65);
    expect(again.stderr).toContain('already has an account');
    const bad = await runCli(cli, ['users', 'invite', 'not-an-email'], env);
    expect(bad.code).toBe(64);
    expect((await runCli(cli, ['users', 'disable', 'ana@example.org'], env)).stdout.toString()).toContain('ana@example.org is now disabled');
    expect((await browser(t.app, s2).get('/campaigns')).status).toBe(303); // signed out: back to sign-in
  });
});

describe('people in the console', () => {
  beforeEach(() => {
    t = testApp();
  });

  test('the People page: an organizer invites, sees the link once, lists and disables people', async () => {
    const org = browser(t.app, await signIn(t.app));
    const page = await org.get('/people');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Invite someone');
    const made = await org.post('/people/invite', { email: 'vic@example.org', role: 'volunteer' });
    expect(made.status).toBe(201);
    const link = /value="(https:\/\/sms\.rally\.example\/join\/[A-Za-z0-9_-]{43})"/.exec(made.text)![1]!;
    expect(made.text).toContain('Invited');
    expect((await org.get('/people')).text).not.toContain(link); // shown once
    const bad = await org.post('/people/invite', { email: 'nope', role: 'volunteer' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('enter an email address');
    const vic = await accept(t.app, new URL(link).pathname, 'Vic');
    expect((await browser(t.app, vic).get('/exports')).status).toBe(200);
    const id = (t.ctx.db.sqlite.prepare("SELECT id FROM users WHERE email = 'vic@example.org'").get() as { id: string }).id;
    expect((await org.post(`/people/${id}/disable`, {})).status).toBe(303);
    expect((await org.get('/people')).text).toContain('Disabled');
    expect((await browser(t.app, vic).get('/exports')).status).toBe(303);
    expect((await passwordSignIn(t.app, 'vic@example.org', PASSWORD)).status).toBe(401);
    expect(await auditEntries(t.app)).toEqual(expect.arrayContaining([
      expect.objectContaining({ action: 'person.invited', actor: expect.objectContaining({ id: 'token:admin' }), details: expect.objectContaining({ email: 'vic@example.org', role: 'volunteer' }) }),
      expect.objectContaining({ action: 'person.disabled', target: { type: 'person', id } }),
    ]));
  });

  test('a volunteer person: exports yes, organizer pages and API routes 403, no People or Audit', async () => {
    const vic = await accept(t.app, await invite(t.app, 'vic@example.org', 'volunteer'), 'Vic');
    const v = browser(t.app, vic);
    expect((await v.get('/exports')).status).toBe(200);
    for (const p of ['/campaigns', '/people', '/audit', '/broadcasts', '/contacts']) expect({ p, status: (await v.get(p)).status }).toEqual({ p, status: 403 });
    for (const p of ['/api/campaigns', '/api/audit', '/api/people', '/api/broadcasts']) expect({ p, status: (await v.get(p)).status }).toEqual({ p, status: 403 });
    const post = await request(t.app).post('/api/people/invites').set('Cookie', vic.cookie).set('X-CSRF-Token', vic.csrf).send({ email: 'x@example.org', role: 'organizer' });
    expect(post.status).toBe(403);
    expect((await v.get('/api/exports/contacts.csv')).status).toBe(200);
    // Without the CSRF header a state-changing API call with the cookie is refused.
    expect((await request(t.app).post('/api/people/invites').set('Cookie', vic.cookie).send({ email: 'x@example.org', role: 'volunteer' })).status).toBe(403);
  });

  test('disabling ends every session at once; a new password (a new invite) ends the old sessions too', async () => {
    const link = await invite(t.app, 'sam@example.org', 'organizer');
    await accept(t.app, link, 'Sam');
    const a = await signedFrom(t.app, await passwordSignIn(t.app, 'sam@example.org', PASSWORD));
    const b = await signedFrom(t.app, await passwordSignIn(t.app, 'sam@example.org', PASSWORD));
    expect((await browser(t.app, a).get('/campaigns')).status).toBe(200);
    const id = (t.ctx.db.sqlite.prepare('SELECT id FROM users').get() as { id: string }).id;
    const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    const disabled = await request(t.app).post(`/api/people/${id}/disable`).set(admin);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ email: 'sam@example.org', status: 'disabled', role: 'organizer' });
    expect((await browser(t.app, a).get('/campaigns')).status).toBe(303);
    expect((await browser(t.app, b).get('/api/campaigns')).status).toBe(401);
    expect(t.ctx.db.sqlite.prepare('SELECT COUNT(*) AS n FROM session_users').get()).toEqual({ n: 0 });
    expect((await passwordSignIn(t.app, 'sam@example.org', PASSWORD)).status).toBe(401);

    // Enabling lets the old password work again; a new invite sets a new password and ends sessions.
    expect((await request(t.app).post(`/api/people/${id}/enable`).set(admin)).body.status).toBe('active');
    const c = await signedFrom(t.app, await passwordSignIn(t.app, 'sam@example.org', PASSWORD));
    expect((await request(t.app).post('/api/people/invites').set(admin).send({ email: 'sam@example.org', role: 'organizer' })).status).toBe(409);
    await request(t.app).post(`/api/people/${id}/disable`).set(admin);
    const fresh = await invite(t.app, 'sam@example.org', 'volunteer');
    await accept(t.app, fresh, 'Sam', 'a brand new long password');
    expect((await browser(t.app, c).get('/campaigns')).status).toBe(303);
    expect((await passwordSignIn(t.app, 'sam@example.org', PASSWORD)).status).toBe(401);
    const now = await signedFrom(t.app, await passwordSignIn(t.app, 'sam@example.org', 'a brand new long password'));
    expect((await browser(t.app, now).get('/campaigns')).status).toBe(403); // the new invite made Sam a volunteer
    // An organizer may not disable themselves.
    const selfId = id;
    const orgLink = await invite(t.app, 'lead@example.org', 'organizer');
    const lead = await accept(t.app, orgLink, 'Lead');
    const leadId = (t.ctx.db.sqlite.prepare("SELECT id FROM users WHERE email = 'lead@example.org'").get() as { id: string }).id;
    expect((await browser(t.app, lead).post(`/people/${leadId}/disable`, {})).status).toBe(409);
    expect((await browser(t.app, lead).post(`/people/${selfId}/disable`, {})).status).toBe(303);
  });

  test('invite links expire after 7 days; unknown and malformed links are 404; a wrong role is a 400', async () => {
    const link = await invite(t.app, 'late@example.org', 'volunteer');
    t.clock.advance(7 * 86_400_000);
    const res = await request(t.app).get(link);
    expect(res.status).toBe(409);
    expect(res.text).toContain('expired');
    expect((await request(t.app).post(link).type('form').send({ name: 'Late', password: PASSWORD })).status).toBe(409);
    expect((await request(t.app).get('/join/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await request(t.app).get('/join/%ZZ')).status).toBeLessThan(500);
    expect((await request(t.app).get('/join/short')).status).toBe(404);
    const role = await request(t.app).post('/api/people/invites').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ email: 'x@example.org', role: 'admin2' });
    expect(role.status).toBe(400);
    expect(role.body.error.details).toEqual([{ path: 'role', message: 'must be organizer or volunteer' }]);
  });

  test('ADMIN_TOKEN still signs in to the console and can invite the first organizer (fresh install)', async () => {
    const org = browser(t.app, await signIn(t.app, ADMIN_TOKEN));
    const made = await org.post('/people/invite', { email: 'first@example.org', role: 'organizer' });
    expect(made.status).toBe(201);
  });
});

describe('your account', () => {
  beforeEach(() => {
    t = testApp();
  });

  test('changing your password checks the current one, ends your other sessions, keeps this browser signed in', async () => {
    const first = await accept(t.app, await invite(t.app, 'kim@example.org', 'volunteer'), 'Kim');
    const other = await signedFrom(t.app, await passwordSignIn(t.app, 'kim@example.org', PASSWORD));
    const me = browser(t.app, first);
    const page = await me.get('/account');
    expect(page.status).toBe(200);
    expect(page.text).toContain('kim@example.org');
    const wrong = await me.post('/account/password', { current: 'not my password', password: 'a whole new passphrase' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('That is not your current password.');
    const weak = await me.post('/account/password', { current: PASSWORD, password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('at least 12 characters');
    const ok = await me.post('/account/password', { current: PASSWORD, password: 'a whole new passphrase' });
    expect(ok.status).toBe(303);
    const fresh = { cookie: sessionCookie(ok), csrf: '' };
    expect((await browser(t.app, fresh).get('/account?done=password')).text).toContain('Password changed');
    expect((await browser(t.app, other).get('/exports')).status).toBe(303);
    expect((await browser(t.app, first).get('/exports')).status).toBe(303);
    expect((await passwordSignIn(t.app, 'kim@example.org', PASSWORD)).status).toBe(401);
    expect((await passwordSignIn(t.app, 'kim@example.org', 'a whole new passphrase')).status).toBe(303);
    expect((await auditEntries(t.app)).map((e) => e.action)).toContain('person.password_changed');
    // A token session has no password to change.
    const token = browser(t.app, await signIn(t.app));
    expect((await token.get('/account')).text).toContain('You signed in with a shared token');
    expect((await token.post('/account/password', { current: 'x', password: 'y' })).status).toBe(403);
  });
});
