/**
 * Roles. Organizers (ADMIN_TOKEN, or a person with the organizer role) can do everything;
 * volunteers (VOLUNTEER_TOKEN, or a person with the volunteer role) can only download exports
 * (and what the inbox gives them). API clients send `Authorization: Bearer <token>`; the console's browser sends
 * its session cookie instead, and then every state-changing request must also carry the session's
 * CSRF token and come from this site. Tokens are compared in constant time, and wrong ones are
 * throttled per client address and per token fingerprint (core/attempts.ts): the same budget
 * for the API and the console's sign-in form.
 */
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../wiring/context';
import { AppError } from '../shared/errors';
import { credentialFingerprint, tokensEqual } from '../shared/secrets';
import type { Role } from '../usecases/sessions/sessions';
import { tokenActor, type Actor } from '../usecases/sessions/actor';
import type { User } from '../usecases/people/people';
import { clientOf } from './client-address';
import { assertCsrf, isSafeMethod, readCookie, sessionOf } from './session';

export type { Role };
export { tokensEqual };

export function roleForToken(ctx: AppContext, token: string): Role | null {
  const { adminToken, volunteerToken } = ctx.config;
  // Evaluate both comparisons so timing does not reveal which one matched.
  const admin = adminToken !== undefined && tokensEqual(token, adminToken);
  const volunteer = volunteerToken !== undefined && tokensEqual(token, volunteerToken);
  return admin ? 'admin' : volunteer ? 'volunteer' : null;
}

/** Longer than any token we issue or accept in config: not worth hashing, certainly wrong. */
const MAX_TOKEN_LENGTH = 512;

/**
 * The one way a presented token is checked: compared with both roles' tokens (constant time),
 * then judged by the failed-attempt throttle. Returns the role, or null for a wrong token;
 * throws 429 (with Retry-After) when this client, or this exact wrong token, is over its limit.
 */
export function attemptToken(ctx: AppContext, req: Request, token: string, via: 'sign-in' | 'bearer'): Role | null {
  // An empty form field is a slip, not a guess (and all of them would share one fingerprint).
  if (!token) return null;
  const role = token.length <= MAX_TOKEN_LENGTH ? roleForToken(ctx, token) : null;
  const client = clientOf(req);
  const verdict = ctx.credentialThrottle.attempt(
    { client, credential: credentialFingerprint(token), correct: role !== null },
    ctx.clock.now().getTime(),
  );
  if (verdict.outcome === 'throttled') {
    const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
    ctx.logger.debug({ client, via, by: verdict.by, retryAfterSeconds: seconds }, 'token attempt throttled');
    throw new AppError('rate_limited', `Too many wrong tokens. Wait ${waitText(seconds)} and try again.`, [], seconds);
  }
  if (verdict.outcome === 'refused' && verdict.limitReached) {
    ctx.logger.warn({ client, via }, 'too many wrong tokens from one client: its further attempts are refused (429) for a while');
  }
  return role;
}

function waitText(seconds: number): string {
  return seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
}

/** Marks a browser that signed in as a person, so that person's lockout does not apply to it. */
export const DEVICE_COOKIE = 'rallytext_device';
const DEVICE_DAYS = 90;

function deviceOf(req: Request): string | null {
  const v = readCookie(req, DEVICE_COOKIE);
  return v && /^[A-Za-z0-9_-]{22}$/.test(v) ? v : null;
}

/** The throttle's key for an account: a digest of the email (known or not: no enumeration by timing or status). */
function accountKey(email: string): string {
  return credentialFingerprint(`account:${email}`);
}

/**
 * A person's sign-in: email and password, judged by the same throttle as tokens with the account
 * as the credential key (core/attempts.ts) and the trusted-client exemption (core/trusted-clients.ts):
 *   - a client over its own limit gets 429 whatever it sends (shared with wrong tokens);
 *   - an account over its limit gets 429 from clients that never signed in to it, before the
 *     password is checked; a browser holding its device cookie or the address it signed in from
 *     is still checked, so the person's correct password is not locked out by failures elsewhere;
 *   - a wrong password counts against the client and the account.
 * Returns the person, or null for a wrong email/password; on success sets the device cookie.
 */
export async function attemptPassword(ctx: AppContext, req: Request, res: Response, emailGiven: string, password: string): Promise<User | null> {
  const email = emailGiven.trim().toLowerCase();
  if (!email || !password) return null; // a slip, not a guess
  const client = clientOf(req);
  const account = accountKey(email);
  const device = deviceOf(req);
  const trustKeys = [`addr:${client}`, ...(device ? [`device:${device}`] : [])];
  const throttle = ctx.credentialThrottle;
  const before = throttle.peek(client, account, ctx.clock.now().getTime());
  if (before.clientWaitMs > 0) {
    const seconds = Math.max(1, Math.ceil(before.clientWaitMs / 1000));
    throw new AppError('rate_limited', `Too many failed sign-ins. Wait ${waitText(seconds)} and try again.`, [], seconds);
  }
  const trusted = ctx.trustedClients.knows(account, trustKeys, ctx.clock.now().getTime());
  if (before.credentialWaitMs > 0 && !trusted) {
    const seconds = Math.max(1, Math.ceil(before.credentialWaitMs / 1000));
    ctx.logger.warn({ client }, 'sign-in refused: the account is over its failure limit and this browser never signed in to it');
    throw new AppError(
      'rate_limited',
      `Too many failed sign-ins for this account. Wait ${waitText(seconds)}, or sign in from a browser you have used before.`,
      [],
      seconds,
    );
  }
  const user = await ctx.people.checkPassword(email, password);
  const now = ctx.clock.now().getTime();
  const verdict = throttle.attempt({ client, credential: account, correct: user !== null }, now);
  if (verdict.outcome === 'throttled' && verdict.by === 'credential') {
    // A trusted client's wrong password on a locked account: still counted against the client.
    throttle.failClient(client, now);
    return null;
  }
  if (verdict.outcome === 'throttled') {
    const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
    throw new AppError('rate_limited', `Too many failed sign-ins. Wait ${waitText(seconds)} and try again.`, [], seconds);
  }
  if (verdict.outcome === 'refused') {
    if (verdict.limitReached) ctx.logger.warn({ client }, 'too many failed sign-ins from one client: its further attempts are refused (429) for a while');
    return null;
  }
  const deviceId = device ?? randomBytes(16).toString('base64url');
  ctx.trustedClients.remember(account, [`addr:${client}`, `device:${deviceId}`], now);
  const secure = ctx.config.publicBaseUrl.startsWith('https://') ? '; Secure' : '';
  res.append('Set-Cookie', `${DEVICE_COOKIE}=${deviceId}; Path=/; HttpOnly; SameSite=Strict${secure}; Max-Age=${DEVICE_DAYS * 86_400}`);
  return user;
}

declare module 'express-serve-static-core' {
  interface Request {
    role?: Role;
    /** Who is acting (set with `role` by `authenticate`). */
    actor?: Actor;
  }
}

function bearer(req: Request): string | null {
  const h = req.get('authorization');
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m ? m[1]! : null;
}

/** Authenticate a bearer token or a console session; routes then `requireRole`. */
export function authenticate(ctx: AppContext) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const token = bearer(req);
    if (token || req.get('authorization')) {
      const role = token ? attemptToken(ctx, req, token, 'bearer') : null;
      if (!role) throw new AppError('unauthorized', 'missing or invalid bearer token');
      req.role = role;
      req.actor = tokenActor(role);
      return next();
    }
    const session = await sessionOf(ctx, req);
    if (!session) throw new AppError('unauthorized', 'missing or invalid bearer token');
    if (!isSafeMethod(req.method)) assertCsrf(ctx, req, session, req.get('x-csrf-token'));
    req.role = session.role;
    req.actor = session.actor;
    next();
  };
}

/** The actor of an authenticated request (after `authenticate`). */
export function actorOf(req: Request): Actor {
  if (!req.actor) throw new AppError('unauthorized', 'missing or invalid bearer token');
  return req.actor;
}

export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!req.role || !roles.includes(req.role)) throw new AppError('forbidden', req.role === 'volunteer' ? 'volunteers may not use this endpoint' : 'this token may not use this endpoint');
    next();
  };
}
