/**
 * Sign-in and sign-out. GET / shows the sign-in form (or sends a signed-in person to their home
 * page); POST /signin checks the token like the API does and starts a session; POST /signout
 * ends it. Repeated wrong tokens from one address are slowed down (10 per 10 minutes).
 */
import express, { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { AppError } from '../../shared/errors';
import { roleForToken, type Role } from '../auth';
import {
  assertCsrf, clearSessionCookie, endSession, isSameOrigin, sessionOf, setSessionCookie, startSession,
} from '../session';
import { html } from './html';
import { consolePage } from './layout';

const FAILURE_WINDOW_MS = 10 * 60_000;
const MAX_FAILURES = 10;

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

/** Failed sign-ins per client address, in memory (a restart forgets them, which is fine). */
class FailureCounter {
  private readonly failures = new Map<string, number[]>();
  blocked(client: string, nowMs: number): boolean {
    const recent = (this.failures.get(client) ?? []).filter((t) => nowMs - t < FAILURE_WINDOW_MS);
    if (recent.length === 0) this.failures.delete(client);
    else this.failures.set(client, recent);
    return recent.length >= MAX_FAILURES;
  }
  record(client: string, nowMs: number): void {
    this.failures.set(client, [...(this.failures.get(client) ?? []), nowMs]);
    if (this.failures.size > 10_000) this.failures.clear();
  }
}

export function signInRoutes(ctx: AppContext): Router {
  const r = Router();
  const failures = new FailureCounter();
  const form = express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 20 });

  r.get('/', async (req: Request, res: Response) => {
    const session = await sessionOf(ctx, req);
    const next = safeNext(req.query.next);
    if (session) return res.redirect(303, next ?? homeFor(session.role));
    res.type('html').send(signInPage({ next, localMode: ctx.config.localMode }));
  });

  r.post('/signin', form, async (req: Request, res: Response) => {
    if (!isSameOrigin(ctx, req)) throw new AppError('forbidden', 'cross-site sign-in refused');
    const client = req.ip ?? 'unknown';
    const nowMs = ctx.clock.now().getTime();
    if (failures.blocked(client, nowMs)) throw new AppError('rate_limited', 'Too many wrong tokens. Wait ten minutes and try again.');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    const next = safeNext(body.next);
    const role = token && token.length <= 512 ? roleForToken(ctx, token) : null;
    if (!role) {
      failures.record(client, nowMs);
      ctx.logger.warn({ client }, 'console sign-in refused: unknown token');
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
