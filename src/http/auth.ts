/**
 * Bearer-token roles. Organizers (ADMIN_TOKEN) can do everything; volunteers (VOLUNTEER_TOKEN)
 * can only download exports. Tokens are compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context';
import { AppError } from '../errors';

export type Role = 'admin' | 'volunteer';

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Constant-time equality (hashing first makes the lengths equal). */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

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

/** Authenticate any known token; routes then `requireRole`. */
export function authenticate(ctx: AppContext) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const token = bearer(req);
    const role = token ? roleForToken(ctx, token) : null;
    if (!role) throw new AppError('unauthorized', 'missing or invalid bearer token');
    req.role = role;
    next();
  };
}

export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!req.role || !roles.includes(req.role)) throw new AppError('forbidden', 'this token may not use this endpoint');
    next();
  };
}
