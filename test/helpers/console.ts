/** Console helpers: sign in over HTTP like a browser and read the session's CSRF token. */
import request from 'supertest';
import type { RequestListener } from 'node:http';
import { ADMIN_TOKEN } from './app';

export interface Signed {
  cookie: string;
  csrf: string;
}

export function csrfFrom(htmlText: string): string {
  const m = /<meta name="csrf-token" content="([^"]+)">/.exec(htmlText);
  if (!m) throw new Error('no csrf-token meta in page');
  return m[1]!;
}

export function sessionCookie(res: request.Response): string {
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const c = set.find((s) => s.startsWith('rallytext_session=') && !s.startsWith('rallytext_session=;'));
  if (!c) throw new Error(`no session cookie set (status ${res.status})`);
  return c.split(';')[0]!;
}

/** Sign in with a token; returns the cookie and the CSRF token of the page landed on. */
export async function signIn(app: RequestListener, token = ADMIN_TOKEN, landing?: string): Promise<Signed> {
  const res = await request(app).post('/signin').type('form').send({ token });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  const cookie = sessionCookie(res);
  const page = await request(app).get(landing ?? res.headers.location!).set('Cookie', cookie);
  return { cookie, csrf: csrfFrom(page.text) };
}

/** A browser-like client: GET pages and POST forms with the cookie and CSRF token. */
export function browser(app: RequestListener, s: Signed) {
  return {
    get: (p: string) => request(app).get(p).set('Cookie', s.cookie),
    post: (p: string, form: Record<string, string>) =>
      request(app).post(p).set('Cookie', s.cookie).type('form').send({ _csrf: s.csrf, ...form }),
  };
}
