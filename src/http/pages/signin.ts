/**
 * Sign-in and sign-out. GET / shows the sign-in form (or sends a signed-in person to their home
 * page). POST /signin takes either a person's email and password (auth.ts `attemptPassword`:
 * throttled per client address and per account) or a shared token, checked exactly as the API
 * does (auth.ts `attemptToken`: per client address and per token), and starts a session;
 * POST /signout ends it.
 */
import express, { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { AppError } from '../../shared/errors';
import { attemptPassword, attemptToken, type Role } from '../auth';
import {
  assertCsrf, clearSessionCookie, endSession, isSameOrigin, sessionOf, setSessionCookie, startSession, startUserSession,
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

interface SignInState {
  next: string | null;
  localMode: boolean;
  /** Which form the error belongs to. */
  error?: { form: 'password' | 'token'; message: string };
  email?: string;
}

function signInPage(o: SignInState): string {
  const pwError = o.error?.form === 'password' ? o.error.message : null;
  const tokenError = o.error?.form === 'token' ? o.error.message : null;
  const next = o.next ? html`<input type="hidden" name="next" value="${o.next}">` : '';
  return consolePage({
    title: 'Sign in',
    session: null,
    bodyClass: 'signin-page',
    body: html`<section class="signin" aria-labelledby="signin-title">
<h1 id="signin-title">Sign in to the rally console</h1>
<form method="post" action="/signin" novalidate aria-label="Sign in with your email">
  ${next}
  ${pwError ? html`<p class="error" id="password-error">${pwError}</p>` : ''}
  <div class="field${pwError ? ' has-error' : ''}">
    <label for="email">Email</label>
    <input id="email" name="email" type="email" autocomplete="username" spellcheck="false" value="${o.email ?? ''}"${pwError ? html` aria-describedby="password-error" aria-invalid="true"` : ''}>
  </div>
  <div class="field${pwError ? ' has-error' : ''}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password"${pwError ? html` aria-describedby="password-error" aria-invalid="true"` : ''}>
  </div>
  <button type="submit">Sign in</button>
</form>
<h2>Or with an access token</h2>
<form method="post" action="/signin" novalidate aria-label="Sign in with an access token">
  ${next}
  <div class="field${tokenError ? ' has-error' : ''}">
    <label for="token">Access token</label>
    <p class="hint" id="token-hint">Organizers can use the organizer token (<code>ADMIN_TOKEN</code>); volunteers the
    volunteer token (<code>VOLUNTEER_TOKEN</code>).${o.localMode
      ? ' In local mode the organizer token is printed in the terminal running the gateway.'
      : ''}</p>
    ${tokenError ? html`<p class="error" id="token-error">${tokenError}</p>` : ''}
    <input id="token" name="token" type="password" autocomplete="off" required spellcheck="false"
      aria-describedby="token-hint${tokenError ? ' token-error' : ''}"${tokenError ? html` aria-invalid="true"` : ''}>
  </div>
  <button type="submit">Sign in with token</button>
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
    const next = safeNext(body.next);
    const localMode = ctx.config.localMode;
    let started;
    if (typeof body.email === 'string' || typeof body.password === 'string') {
      const email = typeof body.email === 'string' ? body.email.slice(0, 300) : '';
      const password = typeof body.password === 'string' ? body.password : '';
      const user = await attemptPassword(ctx, req, res, email, password);
      if (!user) {
        ctx.logger.warn({ client: clientOf(req) }, 'console sign-in refused: wrong email or password');
        const message = email.trim() && password ? 'That email and password do not match an active account.' : 'Enter your email and password.';
        return res.status(401).type('html').send(signInPage({ next, localMode, email: email.trim(), error: { form: 'password', message } }));
      }
      started = await startUserSession(ctx, user);
    } else {
      const token = typeof body.token === 'string' ? body.token.trim() : '';
      const role = attemptToken(ctx, req, token, 'sign-in');
      if (!role) {
        ctx.logger.warn({ client: clientOf(req) }, 'console sign-in refused: unknown token');
        return res.status(401).type('html').send(signInPage({ next, localMode, error: { form: 'token', message: 'That token is not valid. Check it and try again.' } }));
      }
      started = await startSession(ctx, role, token);
    }
    const { session, cookieValue } = started;
    await ctx.audit.record({ actor: session.actor, action: 'person.signed_in', details: { via: session.actor.id.startsWith('user:') ? 'password' : 'token' } });
    setSessionCookie(ctx, res, cookieValue);
    ctx.logger.info({ role: session.role, actor: session.actor.id }, 'console sign-in');
    const role = session.role;
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
