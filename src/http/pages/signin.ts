/**
 * Sign-in and sign-out. GET / shows the sign-in form (or sends a signed-in person to their home
 * page); POST /signin checks the token exactly as the API does (auth.ts `attemptToken`: the same
 * failed-attempt throttle, per client address and per token) and starts a session; POST /signout
 * ends it.
 */
import express, { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { AppError } from '../../shared/errors';
import { attemptToken, type Role } from '../auth';
import {
  assertCsrf, clearSessionCookie, endSession, isSameOrigin, sessionOf, setSessionCookie, startSession,
} from '../session';
import { clientOf } from '../client-address';
import { html } from './html';
import { consolePage } from './layout';

export function homeFor(role: Role): string {
  return role === 'admin' ? '/campaigns' : '/exports';
}

/** Only a local path ("/campaigns/x?y"), never another site ("//evil", "/\\evil", "https:…"). */
export function safeNext(next: unknown): string | null {
  return typeof next === 'string' && /^\/(?![/\\])[^\s\\]*$/.test(next) && next.length <= 500 ? next : null;
}

function signInPage(o: { next: string | null; error?: string; localMode: boolean }): string {
  return consolePage({
    title: 'Sign in',
    session: null,
    bodyClass: 'signin-page',
    body: html`<section class="signin" aria-labelledby="signin-title">
<h1 id="signin-title">Sign in to the rally console</h1>
<form method="post" action="/signin" novalidate>
  ${o.next ? html`<input type="hidden" name="next" value="${o.next}">` : ''}
  <div class="field${o.error ? ' has-error' : ''}">
    <label for="token">Access token</label>
    <p class="hint" id="token-hint">Organizers use the organizer token (<code>ADMIN_TOKEN</code>); volunteers use the
    volunteer token (<code>VOLUNTEER_TOKEN</code>) and see exports only.${o.localMode
      ? ' In local mode the organizer token is printed in the terminal running the gateway.'
      : ''}</p>
    ${o.error ? html`<p class="error" id="token-error">${o.error}</p>` : ''}
    <input id="token" name="token" type="password" autocomplete="current-password" required spellcheck="false"
      aria-describedby="token-hint${o.error ? ' token-error' : ''}"${o.error ? html` aria-invalid="true"` : ''}>
  </div>
  <button type="submit">Sign in</button>
</form>
</section>`,
  });
}

export function signInRoutes(ctx: AppContext): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 20 });

  r.get('/', async (req: Request, res: Response) => {
    const session = await sessionOf(ctx, req);
    const next = safeNext(req.query.next);
    if (session) return res.redirect(303, next ?? homeFor(session.role));
    res.type('html').send(signInPage({ next, localMode: ctx.config.localMode }));
  });

  r.post('/signin', form, async (req: Request, res: Response) => {
    if (!isSameOrigin(ctx, req)) throw new AppError('forbidden', 'cross-site sign-in refused');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    const next = safeNext(body.next);
    const role = attemptToken(ctx, req, token, 'sign-in');
    if (!role) {
      ctx.logger.warn({ client: clientOf(req) }, 'console sign-in refused: unknown token');
      return res.status(401).type('html').send(signInPage({ next, localMode: ctx.config.localMode, error: 'That token is not valid. Check it and try again.' }));
    }
    const { cookieValue } = await startSession(ctx, role, token);
    setSessionCookie(ctx, res, cookieValue);
    ctx.logger.info({ role }, 'console sign-in');
    res.redirect(303, next && (role === 'admin' || next.startsWith('/exports')) ? next : homeFor(role));
  });

  r.post('/signout', form, async (req: Request, res: Response) => {
    const session = await sessionOf(ctx, req);
    if (session) {
      assertCsrf(ctx, req, session, (req.body as Record<string, unknown> | undefined)?._csrf);
      await endSession(ctx, session);
      ctx.logger.info({ role: session.role }, 'console sign-out');
    }
    clearSessionCookie(ctx, res);
    res.redirect(303, '/');
  });

  return r;
}
