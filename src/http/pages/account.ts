/**
 * Your account (any signed-in person): who you are, and changing your password. The current
 * password is checked through the sign-in throttle (auth.ts `attemptPassword`); a new password
 * ends every session of yours, and this browser gets a fresh one.
 */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { AppError, toAppError } from '../../shared/errors';
import { MIN_PASSWORD_LENGTH } from '../../usecases/people/passwords';
import { roleLabel } from '../../usecases/sessions/actor';
import { attemptPassword } from '../auth';
import { setSessionCookie, startUserSession, type ConsoleSession } from '../session';
import { pageSession, requirePage } from './guard';
import { html } from './html';
import { consolePage, csrfField } from './layout';

function accountPage(session: ConsoleSession, o: { error?: { field: 'current' | 'password'; message: string }; flash?: string | null } = {}): string {
  const a = session.actor;
  const person = a.email !== undefined;
  const err = (f: 'current' | 'password') => (o.error?.field === f ? o.error.message : null);
  const body = html`<h1>Your account</h1>
<dl class="pairs"><dt>Name</dt><dd>${a.name}</dd>${person ? html`<dt>Email</dt><dd>${a.email}</dd>` : ''}<dt>Role</dt><dd>${roleLabel(a.role)}</dd></dl>
${person ? html`<section aria-labelledby="pw-title">
<h2 id="pw-title">Change your password</h2>
<form method="post" action="/account/password" class="stack" novalidate>
${csrfField(session)}
<input type="hidden" name="email" value="${a.email}" autocomplete="username">
<div class="field${err('current') ? ' has-error' : ''}"><label for="current">Current password</label>
${err('current') ? html`<p class="error" id="current-error">${err('current')}</p>` : ''}
<input id="current" name="current" type="password" autocomplete="current-password"${err('current') ? html` aria-describedby="current-error" aria-invalid="true"` : ''}></div>
<div class="field${err('password') ? ' has-error' : ''}"><label for="password">New password</label>
<p class="hint" id="new-hint">At least ${MIN_PASSWORD_LENGTH} characters. You will be signed out everywhere else.</p>
${err('password') ? html`<p class="error" id="password-error">${err('password')}</p>` : ''}
<input id="password" name="password" type="password" autocomplete="new-password" aria-describedby="new-hint${err('password') ? ' password-error' : ''}"${err('password') ? html` aria-invalid="true"` : ''}></div>
<button type="submit">Change password</button>
</form></section>` : html`<p>You signed in with a shared token. Ask an organizer to invite you so you can sign in as yourself.</p>`}`;
  return consolePage({ title: 'Your account', session, body, flash: o.flash ?? null });
}

export function accountPages(ctx: AppContext): Router {
  const r = Router();
  const anyone = requirePage(ctx, 'admin', 'volunteer');

  r.get('/account', anyone, (req: Request, res: Response) => {
    res.type('html').send(accountPage(pageSession(req), { flash: req.query.done === 'password' ? 'Password changed. Your other sessions have ended.' : null }));
  });

  r.post('/account/password', anyone, async (req: Request, res: Response) => {
    const session = pageSession(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (session.actor.email === undefined) throw new AppError('forbidden', 'sign in with your own account to change its password');
    const current = typeof body.current === 'string' ? body.current : '';
    const user = await attemptPassword(ctx, req, res, session.actor.email, current);
    if (!user || `user:${user.id}` !== session.actor.id) {
      return res.status(400).type('html').send(accountPage(session, { error: { field: 'current', message: 'That is not your current password.' } }));
    }
    try {
      await ctx.people.changePassword(session.actor, body.password);
    } catch (err) {
      const e = toAppError(err);
      if (e.code !== 'validation_failed') throw err;
      return res.status(400).type('html').send(accountPage(session, { error: { field: 'password', message: `New password ${e.details.map((d) => d.message).join('; ')}` } }));
    }
    const { cookieValue } = await startUserSession(ctx, user);
    setSessionCookie(ctx, res, cookieValue);
    res.redirect(303, '/account?done=password');
  });

  return r;
}
