/**
 * What every console page goes through: security headers, the session and role check (with a
 * redirect to sign-in for a page view), CSRF on every form post, and errors rendered as pages.
 */
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { AppError, toAppError } from '../../shared/errors';
import type { Role } from '../auth';
import { assertCsrf, isSafeMethod, sessionOf, type ConsoleSession } from '../session';
import { errorPage } from './layout';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'",
].join('; ');

/**
 * No inline script or style anywhere, no framing, no referrer to other sites (display links carry
 * a token). Not "no-referrer": with it browsers send "Origin: null" on form posts, which the
 * CSRF check rightly refuses.
 */
export function pageHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  next();
}

/** The signed-in session of a page request (after `requirePage`). */
export function pageSession(req: Request): ConsoleSession {
  const s = req.consoleSession;
  if (!s) throw new AppError('unauthorized', 'sign in first');
  return s;
}

/** Sign-in required (a page view redirects to the sign-in form), role checked, CSRF on posts. */
export function requirePage(ctx: AppContext, ...roles: Role[]) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const session = await sessionOf(ctx, req);
    if (!session) {
      if (isSafeMethod(req.method)) return res.redirect(303, `/?next=${encodeURIComponent(req.originalUrl)}`);
      throw new AppError('unauthorized', 'your session has ended; sign in again');
    }
    if (!roles.includes(session.role)) {
      throw new AppError('forbidden', session.role === 'volunteer' ? 'This page is for organizers only. Volunteers can download exports.' : 'Not allowed.');
    }
    if (!isSafeMethod(req.method)) {
      const body = req.body as Record<string, unknown> | undefined;
      assertCsrf(ctx, req, session, body?._csrf ?? req.get('x-csrf-token'));
    }
    req.role = session.role;
    req.actor = session.actor;
    next();
  };
}

const TITLES: Record<number, string> = {
  400: 'That did not work', 401: 'Please sign in', 403: 'Not allowed', 404: 'Not found', 409: 'Conflict',
  413: 'Too large', 429: 'Too many attempts', 503: 'Unavailable',
};

/** Errors on console pages become HTML pages with the right status (JSON stays for /api). */
export function pageErrors(ctx: AppContext) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const e = toAppError(err);
    if (e.code === 'internal') ctx.logger.error({ err, method: req.method, path: req.path }, 'unhandled error on a console page');
    if (res.headersSent) return;
    const title = TITLES[e.status] ?? 'Something went wrong';
    const message = e.code === 'internal' ? 'An unexpected error happened. It has been logged.' : e.message;
    if (e.retryAfterSeconds !== undefined) res.set('Retry-After', String(e.retryAfterSeconds));
    res.status(e.status).type('html').send(errorPage(req.consoleSession ?? null, title, message, e.status));
  };
}
