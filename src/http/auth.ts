/**
 * Roles. Organizers (ADMIN_TOKEN) can do everything; volunteers (VOLUNTEER_TOKEN) can only
 * download exports. API clients send `Authorization: Bearer <token>`; the console's browser sends
 * its session cookie instead, and then every state-changing request must also carry the session's
 * CSRF token and come from this site. Tokens are compared in constant time, and wrong ones are
 * throttled per client address and per token fingerprint (core/attempts.ts): the same budget
 * for the API and the console's sign-in form.
 */
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../wiring/context';
import { AppError } from '../shared/errors';
import { credentialFingerprint, tokensEqual } from '../shared/secrets';
import type { Role } from '../usecases/sessions/sessions';
import { tokenActor, type Actor } from '../usecases/sessions/actor';
import { clientOf } from './client-address';
import { assertCsrf, isSafeMethod, sessionOf } from './session';

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
    const wait = seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
    throw new AppError('rate_limited', `Too many wrong tokens. Wait ${wait} and try again.`, [], seconds);
  }
  if (verdict.outcome === 'refused' && verdict.limitReached) {
    ctx.logger.warn({ client, via }, 'too many wrong tokens from one client: its further attempts are refused (429) for a while');
  }
  return role;
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
    req.actor = tokenActor(session.role);
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
    if (!req.role || !roles.includes(req.role)) throw new AppError('forbidden', 'this token may not use this endpoint');
    next();
  };
}
