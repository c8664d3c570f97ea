/**
 * Console sessions over HTTP. The session itself (src/usecases/sessions/) is a random id carried
 * in an httpOnly, SameSite=Strict cookie (Secure when PUBLIC_BASE_URL is https).
 *
 * CSRF: every state-changing request made with the cookie must carry the session's CSRF token
 * (a hidden `_csrf` form field or an `X-CSRF-Token` header) and must not come from another site
 * (Sec-Fetch-Site, and Origin must be this site when the browser sends one).
 */
import type { Request, Response } from 'express';
import type { AppContext } from '../wiring/context';
import { AppError } from '../shared/errors';
import { tokensEqual } from '../shared/secrets';
import { ConsoleSessions, SESSION_HOURS, type ConsoleSession, type Role } from '../usecases/sessions/sessions';

export { SESSION_HOURS, type ConsoleSession };

export const SESSION_COOKIE = 'rallytext_session';

declare module 'express-serve-static-core' {
  interface Request {
    /** The console session, once looked up (null: none or expired). */
    consoleSession?: ConsoleSession | null;
  }
}

const services = new WeakMap<AppContext, ConsoleSessions>();

/** The sessions use case for this context (tokens read from its config on every check). */
function sessions(ctx: AppContext): ConsoleSessions {
  let s = services.get(ctx);
  if (!s) {
    s = new ConsoleSessions({
      store: ctx.store,
      clock: ctx.clock,
      currentToken: (role: Role) => (role === 'admin' ? ctx.config.adminToken : ctx.config.volunteerToken),
    });
    services.set(ctx, s);
  }
  return s;
}

export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/** Starts a session for a token already checked by `roleForToken`; returns the cookie value. */
export function startSession(ctx: AppContext, role: Role, token: string): Promise<{ cookieValue: string; session: ConsoleSession }> {
  return sessions(ctx).start(role, token);
}

/** Starts a session for a person whose password was just checked (auth.ts `attemptPassword`). */
export function startUserSession(ctx: AppContext, user: { id: string; email: string; name: string | null; role: Role }): Promise<{ cookieValue: string; session: ConsoleSession }> {
  return sessions(ctx).startForUser(user);
}

export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** The request's live session, or null (no cookie, unknown, expired, or its token was rotated). */
export async function sessionOf(ctx: AppContext, req: Request): Promise<ConsoleSession | null> {
  if (req.consoleSession !== undefined) return req.consoleSession;
  const value = readCookie(req, SESSION_COOKIE);
  const found = value ? await sessions(ctx).find(value) : null;
  req.consoleSession = found;
  return found;
}

export function endSession(ctx: AppContext, session: ConsoleSession): Promise<void> {
  return sessions(ctx).end(session);
}

function cookieAttributes(ctx: AppContext): string {
  const secure = ctx.config.publicBaseUrl.startsWith('https://') ? '; Secure' : '';
  return `Path=/; HttpOnly; SameSite=Strict${secure}`;
}

export function setSessionCookie(ctx: AppContext, res: Response, value: string): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=${value}; ${cookieAttributes(ctx)}; Max-Age=${SESSION_HOURS * 3600}`);
}

export function clearSessionCookie(ctx: AppContext, res: Response): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=; ${cookieAttributes(ctx)}; Max-Age=0`);
}

/**
 * False for a request another site made the browser send: Sec-Fetch-Site says cross-site or
 * same-site (a sibling subdomain), or Origin names another origin (or "null").
 */
export function isSameOrigin(ctx: AppContext, req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.get('origin');
  if (origin === undefined) return true;
  try {
    const u = new URL(origin);
    return u.origin === new URL(ctx.config.publicBaseUrl).origin || u.host === req.get('host');
  } catch {
    return false;
  }
}

/** Throws 403 unless the request is same-origin and carries this session's CSRF token. */
export function assertCsrf(ctx: AppContext, req: Request, session: ConsoleSession, provided: unknown): void {
  if (!isSameOrigin(ctx, req)) throw new AppError('forbidden', 'cross-site request refused');
  if (typeof provided !== 'string' || provided === '' || !tokensEqual(provided, session.csrf)) {
    throw new AppError('forbidden', 'missing or invalid CSRF token; reload the page and try again');
  }
}
