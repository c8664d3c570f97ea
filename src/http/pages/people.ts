/**
 * People (organizers only): everyone who may sign in as themselves, inviting someone (the
 * one-time link is shown once, on the page that follows), and disabling or enabling a person.
 */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { AppError, toAppError } from '../../shared/errors';
import { INVITE_DAYS, type Invitation, type PersonView } from '../../usecases/people/people';
import { userIdOf } from '../../usecases/sessions/actor';
import type { ConsoleSession } from '../session';
import { pageSession, requirePage } from './guard';
import { html, type Html } from './html';
import { consolePage, csrfField } from './layout';

const STATUS: Record<PersonView['status'], string> = { invited: 'Invited', active: 'Active', disabled: 'Disabled' };

interface FormState {
  email: string;
  role: string;
  error: string;
}

function peoplePage(session: ConsoleSession, people: PersonView[], o: { invitation?: Invitation; form?: FormState; flash?: string | null }): string {
  const me = userIdOf(session.actor);
  const inv = o.invitation;
  const f = o.form;
  const body = html`<h1>People</h1>
<p>Organizers and volunteers sign in as themselves. Organizers can do everything; volunteers download exports and answer the inbox.</p>
${inv ? html`<section class="panel" aria-labelledby="link-title">
<h2 id="link-title">Invite link for ${inv.person.email}</h2>
<p>Send this link to ${inv.person.email} yourself (by email or chat). It works once and expires on <time datetime="${inv.expiresAt}">${inv.expiresAt.slice(0, 16).replace('T', ' ')} UTC</time>. It is shown only now.</p>
<p><input id="invite-link" class="invite-link" type="text" readonly value="${inv.url}" aria-label="Invite link"></p>
</section>` : ''}
<section aria-labelledby="invite-title">
<h2 id="invite-title">Invite someone</h2>
<form method="post" action="/people/invite" class="stack" novalidate>
${csrfField(session)}
${f ? html`<p class="error" id="invite-error">${f.error}</p>` : ''}
<div class="field${f ? ' has-error' : ''}"><label for="invite-email">Email</label>
<input id="invite-email" name="email" type="email" spellcheck="false" value="${f?.email ?? ''}"${f ? html` aria-describedby="invite-error" aria-invalid="true"` : ''}></div>
<div class="field"><label for="invite-role">Role</label>
<select id="invite-role" name="role">
<option value="volunteer"${f?.role !== 'organizer' ? html` selected` : ''}>Volunteer</option>
<option value="organizer"${f?.role === 'organizer' ? html` selected` : ''}>Organizer</option>
</select></div>
<p class="hint">You get a one-time link valid for ${INVITE_DAYS} days. Inviting someone again replaces their earlier link.</p>
<button type="submit">Create invite link</button>
</form>
</section>
<section aria-labelledby="people-title">
<h2 id="people-title">Everyone</h2>
${people.length === 0 ? html`<p>No one yet: invite the first person above.</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead>
<tbody>${people.map((p) => personRow(session, p, me))}</tbody></table></div>`}
</section>`;
  return consolePage({ title: 'People', session, active: 'people', body, flash: o.flash ?? null });
}

function personRow(session: ConsoleSession, p: PersonView, me: string | null): Html {
  const action = p.id === me
    ? html`<span class="muted">you</span>`
    : p.status === 'disabled'
      ? html`<form method="post" action="/people/${p.id}/enable">${csrfField(session)}<button type="submit" class="secondary">Enable</button></form>`
      : html`<form method="post" action="/people/${p.id}/disable">${csrfField(session)}<button type="submit" class="danger" data-confirm="Disable ${p.email}? They are signed out everywhere at once.">Disable</button></form>`;
  return html`<tr><th scope="row">${p.name ?? '—'}</th><td>${p.email}</td><td>${p.role === 'organizer' ? 'Organizer' : 'Volunteer'}</td>
<td><span class="badge">${STATUS[p.status]}</span></td><td>${action}</td></tr>`;
}

export function peoplePages(ctx: AppContext): Router {
  const r = Router();
  const admin = requirePage(ctx, 'admin');

  r.get('/people', admin, async (req: Request, res: Response) => {
    const done = req.query.done;
    const flash = done === 'disabled' ? 'Disabled: they are signed out and cannot sign in.' : done === 'enabled' ? 'Enabled.' : null;
    res.type('html').send(peoplePage(pageSession(req), await ctx.people.list(), { flash }));
  });

  r.post('/people/invite', admin, async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const session = pageSession(req);
    try {
      const invitation = await ctx.people.invite(session.actor, body.email, body.role);
      res.status(201).type('html').send(peoplePage(session, await ctx.people.list(), { invitation }));
    } catch (err) {
      const e = toAppError(err);
      if (e.status !== 400 && e.status !== 409) throw err;
      const form = { email: typeof body.email === 'string' ? body.email.slice(0, 300) : '', role: String(body.role ?? ''), error: e.message };
      res.status(e.status).type('html').send(peoplePage(session, await ctx.people.list(), { form }));
    }
  });

  for (const [verb, status] of [['disable', 'disabled'], ['enable', 'active']] as const) {
    r.post(`/people/:id/${verb}`, admin, async (req: Request, res: Response) => {
      const id = String(req.params.id);
      if (id.length > 100) throw new AppError('not_found', 'no such person');
      await ctx.people.setStatus(pageSession(req).actor, id, status);
      res.redirect(303, `/people?done=${verb}d`);
    });
  }

  return r;
}
