/**
 * Roles. Organizers (ADMIN_TOKEN) can do everything; volunteers (VOLUNTEER_TOKEN) can only
 * download exports. API clients send `Authorization: Bearer <token>`; the console's browser sends
 * its session cookie instead, and then every state-changing request must also carry the session's
 * CSRF token and come from this site. Tokens are compared in constant time.
 */
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../wiring/context';
import { AppError } from '../shared/errors';
import { tokensEqual } from '../shared/secrets';
import type { Role } from '../usecases/sessions/sessions';
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

declare module 'express-serve-static-core' {
  interface Request {
    role?: Role;
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
      const role = token ? roleForToken(ctx, token) : null;
      if (!role) throw new AppError('unauthorized', 'missing or invalid bearer token');
      req.role = role;
      return next();
    }
    const session = await sessionOf(ctx, req);
    if (!session) throw new AppError('unauthorized', 'missing or invalid bearer token');
    if (!isSafeMethod(req.method)) assertCsrf(ctx, req, session, req.get('x-csrf-token'));
    req.role = session.role;
    next();
  };
}

export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!req.role || !roles.includes(req.role)) throw new AppError('forbidden', 'this token may not use this endpoint');
    next();
  };
}
