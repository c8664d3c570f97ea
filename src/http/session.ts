/**
 * Console sessions. Signing in with the organizer or volunteer token starts a session: a random
 * id in an httpOnly, SameSite=Strict cookie (Secure when PUBLIC_BASE_URL is https). Only the id's
 * SHA-256 is stored, with a per-session CSRF token and a digest of the token used to sign in, so
 * rotating ADMIN_TOKEN / VOLUNTEER_TOKEN ends every session it opened. Sessions last 12 hours.
 *
 * CSRF: every state-changing request made with the cookie must carry the session's CSRF token
 * (a hidden `_csrf` form field or an `X-CSRF-Token` header) and must not come from another site
 * (Sec-Fetch-Site, and Origin must be this site when the browser sends one).
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { AppContext } from '../wiring/context';
import { AppError } from '../shared/errors';
import type { Role } from './auth';
import { sha256, tokensEqual } from './secrets';

export const SESSION_COOKIE = 'rallytext_session';
export const SESSION_HOURS = 12;

export interface ConsoleSession {
  idHash: string;
  role: Role;
  csrf: string;
  expiresAt: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The console session, once looked up (null: none or expired). */
    consoleSession?: ConsoleSession | null;
  }
}

const hex = (s: string) => sha256(s).toString('hex');

/** Ties a session to the token value that opened it, without storing the token. */
function tokenDigest(token: string): string {
  return hex(`rallytext-console-token:${token}`);
}

function currentTokenFor(ctx: AppContext, role: Role): string | undefined {
  return role === 'admin' ? ctx.config.adminToken : ctx.config.volunteerToken;
}

export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/** Starts a session for a token already checked by `roleForToken`; returns the cookie value. */
export function startSession(ctx: AppContext, role: Role, token: string): { cookieValue: string; session: ConsoleSession } {
  const cookieValue = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  const session: ConsoleSession = {
    idHash: hex(cookieValue),
    role,
    csrf: randomBytes(32).toString('base64url'),
    expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString(),
  };
  const s = ctx.db;
  s.tx(() => {
    s.run(s.db.deleteFrom('console_sessions').where('expires_at', '<=', now.toISOString()));
    s.run(
      s.db.insertInto('console_sessions').values({
        id_hash: session.idHash, role, token_digest: tokenDigest(token), csrf: session.csrf,
        created_at: now.toISOString(), expires_at: session.expiresAt,
      }),
    );
  });
  return { cookieValue, session };
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
export function sessionOf(ctx: AppContext, req: Request): ConsoleSession | null {
  if (req.consoleSession !== undefined) return req.consoleSession;
  let found: ConsoleSession | null = null;
  const value = readCookie(req, SESSION_COOKIE);
  if (value && value.length <= 128) {
    const row = ctx.db.first(ctx.db.db.selectFrom('console_sessions').selectAll().where('id_hash', '=', hex(value)));
    const token = row ? currentTokenFor(ctx, row.role) : undefined;
    if (row && token && row.expires_at > ctx.clock.now().toISOString() && tokensEqual(row.token_digest, tokenDigest(token))) {
      found = { idHash: row.id_hash, role: row.role, csrf: row.csrf, expiresAt: row.expires_at };
    }
  }
  req.consoleSession = found;
  return found;
}

export function endSession(ctx: AppContext, session: ConsoleSession): void {
  ctx.db.run(ctx.db.db.deleteFrom('console_sessions').where('id_hash', '=', session.idHash));
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
