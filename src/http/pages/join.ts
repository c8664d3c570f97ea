/**
 * Accepting an invite: GET /join/<token> shows who it is for and asks for a name and a password;
 * POST sets them (the link then stops working), signs the person in and sends them home. No
 * session is needed; the one-time token is the credential, and only its hash is stored.
 */
import express, { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { AppError, toAppError } from '../../shared/errors';
import { MIN_PASSWORD_LENGTH } from '../../usecases/people/passwords';
import type { PersonView } from '../../usecases/people/people';
import { isSameOrigin, setSessionCookie, startUserSession } from '../session';
import { html } from './html';
import { consolePage } from './layout';
import { homeFor } from './signin';

function joinPage(person: PersonView, token: string, o: { name?: string; problems?: { path: string; message: string }[] } = {}): string {
  const problem = (path: string) => o.problems?.filter((p) => p.path === path).map((p) => p.message).join('; ') || null;
  const nameError = problem('name');
  const pwError = problem('password');
  return consolePage({
    title: 'Set up your account',
    session: null,
    bodyClass: 'signin-page',
    body: html`<section class="signin" aria-labelledby="join-title">
<h1 id="join-title">Welcome to the rally console</h1>
<p>You were invited as ${person.role === 'organizer' ? 'an organizer' : 'a volunteer'} with <strong>${person.email}</strong>.
Choose the name others will see and a password.</p>
<form method="post" action="/join/${token}" novalidate>
  <input type="hidden" name="email" value="${person.email}" autocomplete="username">
  <div class="field${nameError ? ' has-error' : ''}">
    <label for="name">Your name</label>
    ${nameError ? html`<p class="error" id="name-error">Name ${nameError}</p>` : ''}
    <input id="name" name="name" type="text" autocomplete="name" maxlength="100" value="${o.name ?? ''}"${nameError ? html` aria-describedby="name-error" aria-invalid="true"` : ''}>
  </div>
  <div class="field${pwError ? ' has-error' : ''}">
    <label for="password">Password</label>
    <p class="hint" id="password-hint">At least ${MIN_PASSWORD_LENGTH} characters; a few unrelated words work well.</p>
    ${pwError ? html`<p class="error" id="password-error">Password ${pwError}</p>` : ''}
    <input id="password" name="password" type="password" autocomplete="new-password" aria-describedby="password-hint${pwError ? ' password-error' : ''}"${pwError ? html` aria-invalid="true"` : ''}>
  </div>
  <button type="submit">Save and sign in</button>
</form>
</section>`,
  });
}

export function joinRoutes(ctx: AppContext): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 20 });

  r.get('/join/:token', async (req: Request, res: Response) => {
    const token = String(req.params.token);
    res.type('html').send(joinPage(await ctx.people.openInvite(token), token));
  });

  r.post('/join/:token', form, async (req: Request, res: Response) => {
    if (!isSameOrigin(ctx, req)) throw new AppError('forbidden', 'cross-site request refused');
    const token = String(req.params.token);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const user = await ctx.people.acceptInvite(token, body.name, body.password);
      const { cookieValue } = await startUserSession(ctx, user);
      setSessionCookie(ctx, res, cookieValue);
      res.redirect(303, homeFor(user.role));
    } catch (err) {
      const e = toAppError(err);
      if (e.code !== 'validation_failed') throw err;
      const person = await ctx.people.openInvite(token);
      res.status(400).type('html').send(joinPage(person, token, { name: typeof body.name === 'string' ? body.name.slice(0, 100) : '', problems: e.details }));
    }
  });

  return r;
}
