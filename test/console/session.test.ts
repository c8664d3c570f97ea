/**
 * Console sign-in: the session cookie's attributes, role homes, sign-out, expiry and token
 * rotation, CSRF (token and Origin) on forms and on the JSON API used with the cookie, and the
 * sign-in throttle.
 */
import request from 'supertest';
import { safeNext } from '../../src/http/pages/signin';
import { ADMIN_TOKEN, PUBLIC_BASE_URL, VOLUNTEER_TOKEN, testApp, type TestApp } from '../helpers/app';
import { browser, csrfFrom, sessionCookie, signIn } from '../helpers/console';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

describe('sign-in', () => {
  it('shows a labelled token field on GET / when signed out', async () => {
    const res = await request(t.app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<label for="token">Access token</label>');
    expect(res.text).toMatch(/<input id="token" name="token" type="password"/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('the organizer token starts an httpOnly, SameSite=Strict, Secure session and lands on campaigns', async () => {
    const res = await request(t.app).post('/signin').type('form').send({ token: ADMIN_TOKEN });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/campaigns');
    const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n');
    expect(set).toMatch(/rallytext_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure; Max-Age=43200/);
    // Only the id's hash is stored.
    const raw = sessionCookie(res).split('=')[1]!;
    const stored = t.ctx.db.sqlite.prepare('SELECT id_hash FROM console_sessions').all() as { id_hash: string }[];
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id_hash).not.toContain(raw);
    const page = await request(t.app).get('/campaigns').set('Cookie', sessionCookie(res));
    expect(page.status).toBe(200);
    expect(page.text).toContain('Demo rally');
  });

  it('no Secure flag when PUBLIC_BASE_URL is plain http (a local rehearsal)', async () => {
    const local = testApp({ PUBLIC_BASE_URL: 'http://localhost:3000' });
    try {
      const res = await request(local.app).post('/signin').type('form').send({ token: ADMIN_TOKEN });
      expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n')).not.toContain('Secure');
    } finally {
      local.close();
    }
  });

  it('a wrong token is a 401 page with the error next to the field, and no cookie', async () => {
    const res = await request(t.app).post('/signin').type('form').send({ token: 'not-a-real-token-at-all' });
    expect(res.status).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).toContain('id="token-error"');
    expect(res.text).toContain('aria-invalid="true"');
  });

  it('the volunteer token lands on exports and may not open organizer pages', async () => {
    const res = await request(t.app).post('/signin').type('form').send({ token: VOLUNTEER_TOKEN });
    expect(res.headers.location).toBe('/exports');
    const cookie = sessionCookie(res);
    for (const path of ['/campaigns', '/campaigns/new', '/rehearse', '/contacts']) {
      const page = await request(t.app).get(path).set('Cookie', cookie);
      expect(page.status).toBe(403);
      expect(page.text).toContain('organizers only');
    }
    expect((await request(t.app).get('/api/campaigns').set('Cookie', cookie)).status).toBe(403);
  });

  it('a signed-out visit to a page redirects to sign-in and back after', async () => {
    const res = await request(t.app).get('/contacts?q=ana');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/?next=%2Fcontacts%3Fq%3Dana');
    const signin = await request(t.app).post('/signin').type('form').send({ token: ADMIN_TOKEN, next: '/contacts?q=ana' });
    expect(signin.headers.location).toBe('/contacts?q=ana');
    const offsite = await request(t.app).post('/signin').type('form').send({ token: ADMIN_TOKEN, next: '//evil.example/x' });
    expect(offsite.headers.location).toBe('/campaigns');
  });

  it.each([
    ['/campaigns', '/campaigns'], ['/contacts?q=1', '/contacts?q=1'], ['//evil.example', null], ['/\\evil.example', null],
    ['https://evil.example', null], ['campaigns', null], ['/a b', null],
  ])('safeNext(%s) → %s', (input, expected) => {
    expect(safeNext(input)).toBe(expected);
  });

  it('sign-out ends the session for good (the old cookie no longer works)', async () => {
    const s = await signIn(t.app);
    const out = await browser(t.app, s).post('/signout', {});
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/');
    expect(([] as string[]).concat(out.headers['set-cookie'] ?? []).join('\n')).toMatch(/rallytext_session=; .*Max-Age=0/);
    expect((await browser(t.app, s).get('/campaigns')).status).toBe(303);
    expect((await request(t.app).get('/api/campaigns').set('Cookie', s.cookie)).status).toBe(401);
  });

  it('a session expires after 12 hours', async () => {
    const s = await signIn(t.app);
    t.clock.advance(11 * 3_600_000);
    expect((await browser(t.app, s).get('/campaigns')).status).toBe(200);
    t.clock.advance(3_600_000);
    expect((await browser(t.app, s).get('/campaigns')).status).toBe(303);
  });

  it('changing ADMIN_TOKEN ends the sessions the old token opened', async () => {
    const s = await signIn(t.app);
    const rotated = testApp({ DATABASE_URL: `sqlite:${t.dbFile}`, ADMIN_TOKEN: 'a-brand-new-admin-token-0123456789' });
    try {
      expect((await request(rotated.app).get('/campaigns').set('Cookie', s.cookie)).status).toBe(303);
      expect((await request(t.app).get('/campaigns').set('Cookie', s.cookie)).status).toBe(200);
    } finally {
      rotated.close();
    }
  });

  it('ten wrong tokens from one address: that address gets 429 with Retry-After, then one more try a minute', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await request(t.app).post('/signin').type('form').send({ token: `wrong-token-${i}-xxxxxxxx` })).status).toBe(401);
    }
    const refused = await request(t.app).post('/signin').type('form').send({ token: ADMIN_TOKEN });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.text).toContain('Too many wrong tokens. Wait 60 seconds and try again.');
    t.clock.advance(60_000);
    expect((await request(t.app).post('/signin').type('form').send({ token: ADMIN_TOKEN })).status).toBe(303);
  });
});

describe('CSRF', () => {
  it('a form post without the session CSRF token is refused (403) and changes nothing', async () => {
    const s = await signIn(t.app);
    const id = (t.ctx.db.sqlite.prepare('SELECT id FROM campaigns').get() as { id: string }).id;
    const res = await request(t.app).post(`/campaigns/${id}/deactivate`).set('Cookie', s.cookie).type('form').send({});
    expect(res.status).toBe(403);
    expect(res.text).toContain('CSRF');
    const wrong = await request(t.app).post(`/campaigns/${id}/deactivate`).set('Cookie', s.cookie).type('form').send({ _csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect((t.ctx.db.sqlite.prepare('SELECT active FROM campaigns WHERE id = ?').get(id) as { active: number }).active).toBe(1);
    const ok = await browser(t.app, s).post(`/campaigns/${id}/deactivate`, {});
    expect(ok.status).toBe(303);
  });

  it('another site cannot post even with a valid token: Origin and Sec-Fetch-Site are checked', async () => {
    const s = await signIn(t.app);
    const id = (t.ctx.db.sqlite.prepare('SELECT id FROM campaigns').get() as { id: string }).id;
    const post = () => request(t.app).post(`/campaigns/${id}/deactivate`).set('Cookie', s.cookie).type('form');
    expect((await post().set('Origin', 'https://evil.example').send({ _csrf: s.csrf })).status).toBe(403);
    expect((await post().set('Origin', 'null').send({ _csrf: s.csrf })).status).toBe(403);
    expect((await post().set('Sec-Fetch-Site', 'cross-site').send({ _csrf: s.csrf })).status).toBe(403);
    expect((await post().set('Origin', PUBLIC_BASE_URL).set('Sec-Fetch-Site', 'same-origin').send({ _csrf: s.csrf })).status).toBe(303);
  });

  it('sign-in itself refuses a cross-site post (login CSRF)', async () => {
    const res = await request(t.app).post('/signin').set('Origin', 'https://evil.example').type('form').send({ token: ADMIN_TOKEN });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('the JSON API accepts the session cookie: reads freely, writes only with X-CSRF-Token', async () => {
    const s = await signIn(t.app);
    expect((await request(t.app).get('/api/campaigns').set('Cookie', s.cookie)).status).toBe(200);
    const id = (t.ctx.db.sqlite.prepare('SELECT id FROM campaigns').get() as { id: string }).id;
    const noToken = await request(t.app).put(`/api/campaigns/${id}/goal`).set('Cookie', s.cookie).send({ goalCents: 100 });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('forbidden');
    const ok = await request(t.app).put(`/api/campaigns/${id}/goal`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).send({ goalCents: 100 });
    expect(ok.status).toBe(200);
    expect(ok.body.goalCents).toBe(100);
    // A bearer token never needs a CSRF token, and a bad bearer is not rescued by a cookie.
    expect((await request(t.app).put(`/api/campaigns/${id}/goal`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ goalCents: 5 })).status).toBe(200);
    expect((await request(t.app).get('/api/campaigns').set('Cookie', s.cookie).set('Authorization', 'Bearer nope-nope-nope-nope')).status).toBe(401);
  });

  it('every page carries the CSRF token of its own session', async () => {
    const a = await signIn(t.app);
    const b = await signIn(t.app);
    expect(a.csrf).not.toBe(b.csrf);
    expect(csrfFrom((await browser(t.app, a).get('/contacts')).text)).toBe(a.csrf);
  });
});
