/** People accounts in tests: invite over the API, accept the link like a browser, sign in with a password. */
import request from 'supertest';
import type { RequestListener } from 'node:http';
import { ADMIN_TOKEN } from './app';
import { csrfFrom, sessionCookie, type Signed } from './console';

export const PASSWORD = 'correct horse battery staple';

/** POST /api/people/invites as the organizer token; returns the one-time link's path (/join/<token>). */
export async function invite(app: RequestListener, email: string, role: 'organizer' | 'volunteer'): Promise<string> {
  const res = await request(app).post('/api/people/invites').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ email, role });
  if (res.status !== 201) throw new Error(`invite answered ${res.status}: ${res.text}`);
  return new URL(res.body.url as string).pathname;
}

/** Opens the link and sets a name and password; returns the session it starts. */
export async function accept(app: RequestListener, link: string, name: string, password = PASSWORD): Promise<Signed> {
  const res = await request(app).post(link).type('form').send({ name, password });
  if (res.status !== 303) throw new Error(`accepting the invite answered ${res.status}: ${res.text.slice(0, 500)}`);
  const cookie = sessionCookie(res);
  const page = await request(app).get(res.headers.location!).set('Cookie', cookie);
  return { cookie, csrf: csrfFrom(page.text) };
}

/** The sign-in form with email and password, optionally from an address (X-Forwarded-For) and with cookies. */
export function passwordSignIn(app: RequestListener, email: string, password: string, o: { from?: string; cookie?: string } = {}) {
  let req = request(app).post('/signin').type('form');
  if (o.from) req = req.set('X-Forwarded-For', o.from);
  if (o.cookie) req = req.set('Cookie', o.cookie);
  return req.send({ email, password });
}

/** A person's session from a successful sign-in response. */
export async function signedFrom(app: RequestListener, res: request.Response): Promise<Signed> {
  const cookie = sessionCookie(res);
  const page = await request(app).get(res.headers.location!).set('Cookie', cookie);
  return { cookie, csrf: csrfFrom(page.text) };
}

/** The device cookie a successful password sign-in hands out ("rallytext_device=…"). */
export function deviceCookie(res: request.Response): string {
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const c = set.find((s) => s.startsWith('rallytext_device='));
  if (!c) throw new Error('no device cookie set');
  return c.split(';')[0]!;
}

/** The audit log as the organizer token reads it. */
export async function auditEntries(app: RequestListener, limit = 200): Promise<{ seq: number; at: string; actor: { id: string; name: string; role: string }; action: string; target: { type: string; id: string } | null; details: Record<string, unknown> }[]> {
  const res = await request(app).get(`/api/audit?limit=${limit}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  if (res.status !== 200) throw new Error(`audit answered ${res.status}`);
  return res.body.entries;
}
