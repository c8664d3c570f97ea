/**
 * The console's Inbox: threads newest first with unread counts and filters (campaign, unassigned,
 * mine, done), one thread with the contact's fields and consent history beside it, a reply box
 * (segment counter, canned responses), assign, done/reopen and "next"; live updates come from
 * /api/inbox/events (public/inbox.js). Organizers also split unassigned threads among volunteers
 * and keep canned responses and each campaign's auto-reply (/inbox/settings).
 * Volunteers see the threads assigned to them or to nobody, with phone numbers masked.
 */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { segmentInfo } from '../../core/segments';
import { AppError } from '../../shared/errors';
import type { Assignee, ThreadSummary, ThreadView } from '../../usecases/inbox/inbox';
import type { Actor } from '../../usecases/sessions/actor';
import type { ConsoleSession } from '../session';
import { counterText } from './fields';
import { pageSession, requirePage } from './guard';
import { html, type Html } from './html';
import { consolePage, csrfField } from './layout';

type View = 'open' | 'mine' | 'unassigned' | 'done';
const VIEWS: [View, string][] = [['open', 'Open'], ['mine', 'Mine'], ['unassigned', 'Unassigned'], ['done', 'Done']];
const OUT_STATUS: Record<string, string> = {
  twiml: 'sent as a reply', queued: 'queued', sending: 'sending', accepted: 'accepted by Twilio', sent: 'sent', delivered: 'delivered',
  undelivered: 'undelivered', failed: 'failed', suppressed: 'not sent: opted out', unknown: 'checking with Twilio',
};
const CONSENT_LABEL: Record<string, string> = { opt_in: 'Opt-in', opt_out: 'Opt-out', help: 'Help request' };

function when(iso: string | null): Html {
  return iso ? html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>` : html`—`;
}

function actorLabel(id: string | null, me: Actor): string {
  if (id === null) return 'Unassigned';
  if (id === me.id) return 'Me';
  if (id === 'token:admin') return 'Organizer token';
  if (id === 'token:volunteer') return 'Volunteer token';
  return id.replace(/^user:/, '');
}

function viewOf(q: unknown): View {
  return VIEWS.some(([v]) => v === q) ? (q as View) : 'open';
}

function listPage(
  ctx: AppContext, session: ConsoleSession, actor: Actor, o: { view: View; campaign: string; threads: ThreadSummary[]; flash: string | null; signedIn: Assignee[] },
): string {
  const campaigns = ctx.registry.all();
  const qs = (v: View) => `/inbox?view=${v}${o.campaign ? `&campaign=${encodeURIComponent(o.campaign)}` : ''}`;
  const rows = o.threads.map(
    (t) => html`<tr${t.unread > 0 ? html` class="unread"` : ''}><th scope="row"><a href="/inbox/${t.contactId}">${t.firstName ? html`${t.firstName} · ` : ''}${t.phone}</a>${
      t.optedOut ? html` <span class="badge status-opted_out">Opted out</span>` : ''}</th>
<td class="num">${t.unread > 0 ? html`<span class="badge unread-count">${t.unread}<span class="visually-hidden"> unread</span></span>` : '0'}</td>
<td class="last-text">${t.lastText.length > 80 ? `${t.lastText.slice(0, 80)}…` : t.lastText}</td><td>${when(t.lastAt)}</td>
<td>${actorLabel(t.assignee, actor)}</td><td>${t.campaignName ?? '—'}</td></tr>`,
  );
  const body = html`<h1>Inbox</h1>
<p class="hint">Texts nobody’s flow or keyword answered, from people we know. Newest first; opening a thread marks it read.</p>
<div class="inbox-bar">
<nav aria-label="Inbox filters"><ul class="tabs">${VIEWS.map(
    ([v, label]) => html`<li><a href="${qs(v)}"${v === o.view ? html` aria-current="page"` : ''}>${label}</a></li>`,
  )}</ul></nav>
<form method="get" action="/inbox" class="inline">
<input type="hidden" name="view" value="${o.view}">
<label for="campaign">Campaign</label>
<select id="campaign" name="campaign"><option value="">All campaigns</option>${campaigns.map(
    (c) => html`<option value="${c.id}"${c.id === o.campaign ? html` selected` : ''}>${c.name}</option>`,
  )}</select>
<button type="submit" class="secondary">Filter</button>
</form>
<form method="get" action="/inbox/next" class="inline"><button type="submit" id="next-thread">Next unread thread</button></form>
${actor.role === 'admin' ? html`<a href="/inbox/settings">Canned responses and auto-replies</a>` : ''}
</div>
<div id="threads" data-live="list">
${o.threads.length === 0
    ? html`<p class="empty">No threads here.</p>`
    : html`<div class="table-wrap"><table>
<caption>${VIEWS.find(([v]) => v === o.view)![1]} threads, newest first</caption>
<thead><tr><th scope="col">Contact</th><th scope="col" class="num">Unread</th><th scope="col">Last text</th><th scope="col">When</th><th scope="col">Assigned</th><th scope="col">Campaign</th></tr></thead>
<tbody>${rows}</tbody></table></div>`}
</div>
${actor.role === 'admin' ? splitForm(session, o.signedIn) : ''}`;
  return consolePage({ title: 'Inbox', session, active: 'inbox', body, flash: o.flash, scripts: ['inbox.js'] });
}

function splitForm(session: ConsoleSession, signedIn: Assignee[]): Html {
  return html`<section class="panel" aria-labelledby="split-title">
<h2 id="split-title">Split unassigned threads</h2>
<form method="post" action="/inbox/split" class="stack">
${csrfField(session)}
<fieldset id="split-people"><legend>Volunteers signed in now</legend>
${signedIn.length === 0
    ? html`<p class="hint" id="split-none">No volunteer is signed in with their own account right now. Invite volunteers under People, or list who gets threads below.</p>`
    : signedIn.map((p, i) => html`<div class="field checkbox"><input type="checkbox" id="split-person-${i}" name="assignee" value="${p.id}" checked><label for="split-person-${i}">${p.name}</label></div>`)}
</fieldset>
<div class="field"><label for="assignees">Others</label>
<p class="hint" id="assignees-hint">Anyone else who gets threads, separated by commas: <code>token:volunteer</code> for the shared volunteer token, or <code>user:&lt;id&gt;</code> for a person not signed in.</p>
<input id="assignees" name="assignees" aria-describedby="assignees-hint" value="${signedIn.length === 0 ? 'token:volunteer' : ''}" spellcheck="false"></div>
<div class="field"><label for="mode">How</label>
<select id="mode" name="mode"><option value="round_robin">Round robin: deal every unassigned thread in turn</option><option value="count">By count: up to N threads each</option></select></div>
<div class="field"><label for="count">N (by count)</label><input id="count" name="count" type="number" min="1" max="10000" inputmode="numeric"></div>
<button type="submit" id="split-threads">Split</button>
</form>
</section>`;
}

function threadPage(session: ConsoleSession, actor: Actor, t: ThreadView, o: { flash: string | null; draft: string; error: string | null }): string {
  const fields = Object.entries(t.contact.fields);
  const info = segmentInfo(o.draft);
  const body = html`<p class="breadcrumb"><a href="/inbox">Inbox</a></p>
<h1>${t.firstName ? html`${t.firstName} · ` : ''}${t.phone}</h1>
<p><span class="badge">${t.status === 'done' ? 'Done' : 'Open'}</span> · Assigned: ${actorLabel(t.assignee, actor)}${t.campaignName ? html` · ${t.campaignName}` : ''}</p>
<div class="detail-layout">
<aside class="panel" aria-labelledby="contact-title">
<h2 id="contact-title">Contact</h2>
<dl class="pairs">
<dt>Phone</dt><dd>${t.phone}</dd>
<dt>Status</dt><dd>${t.contact.status.replace('_', ' ')}</dd>
<dt>First name</dt><dd>${t.contact.firstName ?? '—'}</dd>
<dt>ZIP</dt><dd>${t.contact.zip ?? '—'}</dd>
<dt>Email</dt><dd>${t.contact.email ?? '—'}</dd>
${fields.map(([k, v]) => html`<dt>${k}</dt><dd>${typeof v === 'string' ? v : JSON.stringify(v)}</dd>`)}
<dt>First seen</dt><dd>${when(t.contact.createdAt)}</dd>
</dl>
<h2>Consent history</h2>
${t.consent.length === 0 ? html`<p>No consent events.</p>` : html`<ol class="consent">${t.consent.map(
    (e) => html`<li>${CONSENT_LABEL[e.kind] ?? e.kind} (${e.via}${e.keyword ? html`: ${e.keyword}` : ''})${e.campaignName ? html` · ${e.campaignName}` : ''} · ${when(e.at)}</li>`,
  )}</ol>`}
<h2>Thread</h2>
<div class="stack">
${t.hasThread ? (t.status === 'done'
    ? html`<form method="post" action="/inbox/${t.contactId}/reopen">${csrfField(session)}<button type="submit" class="secondary">Reopen</button></form>`
    : html`<form method="post" action="/inbox/${t.contactId}/done">${csrfField(session)}<button type="submit" id="mark-done">Mark done</button></form>`) : ''}
${t.hasThread ? assignForm(session, actor, t) : ''}
<form method="get" action="/inbox/next"><button type="submit" class="secondary">Next unread thread</button></form>
</div>
</aside>
<section aria-labelledby="messages-title">
<h2 id="messages-title">Messages</h2>
<div id="messages" data-live="thread" data-contact="${t.contactId}">
${t.messages.length === 0 ? html`<p class="empty">No texts yet.</p>` : html`<ol class="bubbles log" id="bubbles">${t.messages.map(
    (m) => html`<li class="bubble ${m.direction === 'in' ? 'them' : 'me'}${m.status === 'suppressed' ? ' suppressed' : ''}"><span class="visually-hidden">${
      m.direction === 'in' ? 'They texted: ' : 'We sent: '}</span>${m.body}<span class="note">${when(m.at)}${
      m.direction === 'out' ? html` · <span class="delivery" data-status="${m.status ?? ''}">${OUT_STATUS[m.status ?? ''] ?? m.status}${m.errorCode ? ` (error ${m.errorCode})` : ''}</span>${
        m.author ? html` · by ${actorLabel(m.author, actor)}` : m.kind === 'broadcast' ? ' · broadcast' : ''}` : ''}</span></li>`,
  )}</ol>`}
</div>
<h2 id="reply-title">Reply</h2>
${t.replyBlocked
    ? html`<p class="blocked" id="reply-blocked" role="note">${t.replyBlocked}</p>
<form class="stack" aria-labelledby="reply-title"><div class="field"><label for="reply-body">Message</label>
<textarea id="reply-body" name="body" rows="4" disabled aria-describedby="reply-blocked"></textarea></div>
<button type="submit" disabled>Send reply</button></form>`
    : html`<form method="post" action="/inbox/${t.contactId}/reply" class="stack" id="reply-form" aria-labelledby="reply-title">
${csrfField(session)}
${o.error ? html`<p class="error" id="reply-error" role="alert">${o.error}</p>` : ''}
${t.canned.length > 0 ? html`<div class="canned" role="group" aria-label="Canned responses">${t.canned.map(
        (c) => html`<button type="button" class="secondary" data-insert="${c.text}" title="${c.text}">${c.title}</button>`,
      )}</div>` : ''}
<div class="field"><label for="reply-body">Message</label>
<textarea id="reply-body" name="body" rows="4" maxlength="1600" required data-counter="reply-count"${o.error ? html` aria-invalid="true" aria-describedby="reply-error reply-count"` : html` aria-describedby="reply-count"`}>${o.draft}</textarea>
<p class="counter" id="reply-count">${counterText(info)}</p></div>
<button type="submit" id="send-reply">Send reply</button>
</form>`}
</section>
</div>`;
  return consolePage({ title: `Inbox · ${t.phone}`, session, active: 'inbox', body, flash: o.flash, scripts: ['segments.js', 'inbox.js'] });
}

function assignForm(session: ConsoleSession, actor: Actor, t: ThreadView): Html {
  if (actor.role !== 'admin') {
    return t.assignee === actor.id
      ? html`<form method="post" action="/inbox/${t.contactId}/assign">${csrfField(session)}<input type="hidden" name="assignee" value=""><button type="submit" class="secondary">Release to unassigned</button></form>`
      : html`<form method="post" action="/inbox/${t.contactId}/assign">${csrfField(session)}<input type="hidden" name="assignee" value="${actor.id}"><button type="submit" class="secondary">Take this thread</button></form>`;
  }
  return html`<form method="post" action="/inbox/${t.contactId}/assign" class="stack">${csrfField(session)}
<div class="field"><label for="assignee">Assign to</label>
<p class="hint" id="assignee-hint">An actor id (<code>token:volunteer</code>, <code>user:&lt;id&gt;</code>); empty: unassigned.</p>
<input id="assignee" name="assignee" value="${t.assignee ?? ''}" aria-describedby="assignee-hint" spellcheck="false"></div>
<button type="submit" class="secondary">Assign</button></form>`;
}

function settingsPage(session: ConsoleSession, o: {
  canned: { id: string; title: string; body: string }[];
  autoReplies: { campaignId: string; name: string; enabled: boolean; text: string | null; defaultText: string }[];
  flash: string | null;
}): string {
  const body = html`<p class="breadcrumb"><a href="/inbox">Inbox</a></p>
<h1>Canned responses and auto-replies</h1>
<section aria-labelledby="canned-title">
<h2 id="canned-title">Canned responses</h2>
<p class="hint">Answers volunteers insert into the reply box with one click. Merge fields: <code>{{first_name|friend}}</code>, <code>{{zip}}</code>, <code>{{email}}</code>, <code>{{program}}</code>, <code>{{sender}}</code>.</p>
${o.canned.length === 0 ? html`<p>None yet.</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">Title</th><th scope="col">Text</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${o.canned.map((c) => html`<tr><th scope="row">${c.title}</th><td>${c.body}</td><td><form method="post" action="/inbox/settings/canned/${c.id}/delete">${csrfField(session)}<button type="submit" class="danger" data-confirm="Delete “${c.title}”?">Delete</button></form></td></tr>`)}</tbody></table></div>`}
<form method="post" action="/inbox/settings/canned" class="stack">
${csrfField(session)}
<div class="field"><label for="canned-title-input">Title</label><input id="canned-title-input" name="title" maxlength="60" required></div>
<div class="field"><label for="canned-body">Text</label><textarea id="canned-body" name="body" rows="3" required data-counter="canned-count"></textarea><p class="counter" id="canned-count"></p></div>
<button type="submit">Add canned response</button>
</form>
</section>
<section aria-labelledby="auto-title">
<h2 id="auto-title">Auto-reply to unclaimed texts</h2>
<p class="hint">When a known number texts something no flow or keyword answers, it lands in the inbox and gets this reply, at most once per 24 hours per number. Merge fields: <code>{{program}}</code>, <code>{{keyword}}</code>, <code>{{sender}}</code>. It must say how to stop (STOP).</p>
${o.autoReplies.map((a) => html`<form method="post" action="/inbox/settings/auto-reply/${a.campaignId}" class="stack panel">
${csrfField(session)}
<h3>${a.name}</h3>
<div class="field checkbox"><input type="checkbox" id="auto-${a.campaignId}" name="enabled" value="1"${a.enabled ? html` checked` : ''}><label for="auto-${a.campaignId}">Send the auto-reply</label></div>
<div class="field"><label for="auto-text-${a.campaignId}">Text (empty: the default)</label>
<textarea id="auto-text-${a.campaignId}" name="text" rows="3" placeholder="${a.defaultText}" data-counter="auto-count-${a.campaignId}">${a.text ?? ''}</textarea><p class="counter" id="auto-count-${a.campaignId}"></p></div>
<button type="submit" class="secondary">Save</button>
</form>`)}
</section>`;
  return consolePage({ title: 'Inbox settings', session, active: 'inbox', body, flash: o.flash, scripts: ['segments.js', 'inbox.js'] });
}

const FLASH: Record<string, string> = {
  sent: 'Reply queued: it goes out in a moment.', done: 'Marked done.', reopened: 'Reopened.', assigned: 'Assignment saved.',
  none: 'No unread thread is assigned to you.', saved: 'Saved.', deleted: 'Deleted.',
  split: 'Unassigned threads split.', 'split-none': 'There were no unassigned open threads to split.',
};
const flashOf = (q: unknown) => (typeof q === 'string' && Object.hasOwn(FLASH, q) ? FLASH[q]! : null);
const one = (v: unknown) => (typeof v === 'string' ? v : '');

export function inboxPages(ctx: AppContext): Router {
  const r = Router();
  const people = requirePage(ctx, 'admin', 'volunteer');
  const organizers = requirePage(ctx, 'admin');
  const actor = (req: Request) => req.actor!;

  r.get('/inbox', people, async (req: Request, res: Response) => {
    const view = viewOf(req.query.view);
    const campaign = one(req.query.campaign).slice(0, 100);
    const threads = await ctx.inbox.list(actor(req), {
      status: view === 'done' ? 'done' : 'open', assigned: view === 'mine' ? 'me' : view === 'unassigned' ? 'none' : undefined,
      campaignId: campaign || undefined, limit: 200,
    });
    const signedIn = actor(req).role === 'admin' ? await ctx.inbox.signedInVolunteers() : [];
    res.type('html').send(listPage(ctx, pageSession(req), actor(req), { view, campaign, threads, flash: flashOf(req.query.done), signedIn }));
  });

  r.get('/inbox/next', people, async (req: Request, res: Response) => {
    const t = await ctx.inbox.next(actor(req));
    res.redirect(303, t ? `/inbox/${encodeURIComponent(t.contactId)}` : '/inbox?view=mine&done=none');
  });

  r.post('/inbox/split', organizers, async (req: Request, res: Response) => {
    const b = req.body as Record<string, unknown>;
    // The ticked signed-in volunteers (one `assignee` field each), then anyone typed under Others.
    const ticked = ([] as unknown[]).concat(b.assignee ?? []).map(one);
    const typed = one(b.assignees).split(',').map((s) => s.trim());
    const assignees = [...new Set([...ticked, ...typed].filter((s) => s !== ''))];
    const count = one(b.count).trim();
    const result = await ctx.inbox.split(actor(req), { assignees, mode: one(b.mode) || 'round_robin', ...(count ? { count: Number(count) } : {}) });
    ctx.logger.info({ assigned: result.assigned }, 'inbox threads split');
    res.redirect(303, `/inbox?view=open&done=${result.total > 0 ? 'split' : 'split-none'}`);
  });

  r.get('/inbox/settings', organizers, async (req: Request, res: Response) => {
    const canned = await ctx.inboxSettings.canned();
    const autoReplies = await Promise.all(
      ctx.registry.all().map(async (c) => ({ ...(await ctx.inboxSettings.autoReply(c.id)), name: c.name })),
    );
    res.type('html').send(settingsPage(pageSession(req), { canned, autoReplies, flash: flashOf(req.query.done) }));
  });

  r.post('/inbox/settings/canned', organizers, async (req: Request, res: Response) => {
    const b = req.body as Record<string, unknown>;
    await ctx.inboxSettings.createCanned({ title: one(b.title), body: one(b.body) });
    res.redirect(303, '/inbox/settings?done=saved');
  });

  r.post('/inbox/settings/canned/:id/delete', organizers, async (req: Request, res: Response) => {
    await ctx.inboxSettings.deleteCanned(String(req.params.id));
    res.redirect(303, '/inbox/settings?done=deleted');
  });

  r.post('/inbox/settings/auto-reply/:campaignId', organizers, async (req: Request, res: Response) => {
    const b = req.body as Record<string, unknown>;
    const text = one(b.text).trim();
    await ctx.inboxSettings.setAutoReply(String(req.params.campaignId), { enabled: one(b.enabled) === '1', text: text === '' ? null : text });
    res.redirect(303, '/inbox/settings?done=saved');
  });

  r.get('/inbox/:contactId', people, async (req: Request, res: Response) => {
    const t = await ctx.inbox.get(actor(req), String(req.params.contactId));
    res.type('html').send(threadPage(pageSession(req), actor(req), t, { flash: flashOf(req.query.done), draft: '', error: null }));
  });

  r.post('/inbox/:contactId/reply', people, async (req: Request, res: Response) => {
    const id = String(req.params.contactId);
    const draft = one((req.body as Record<string, unknown>).body);
    try {
      await ctx.inbox.reply(actor(req), id, { body: draft });
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'validation_failed' && err.code !== 'conflict')) throw err;
      const message = err.details.length > 0 && err.code === 'validation_failed' ? `The message ${err.details[0]!.message}.` : err.message;
      const t = await ctx.inbox.get(actor(req), id, { peek: true });
      res.status(err.status).type('html').send(threadPage(pageSession(req), actor(req), t, { flash: null, draft, error: message }));
      return;
    }
    res.redirect(303, `/inbox/${encodeURIComponent(id)}?done=sent`);
  });

  r.post('/inbox/:contactId/done', people, async (req: Request, res: Response) => {
    await ctx.inbox.setStatus(actor(req), String(req.params.contactId), 'done');
    res.redirect(303, '/inbox?done=done');
  });

  r.post('/inbox/:contactId/reopen', people, async (req: Request, res: Response) => {
    const id = String(req.params.contactId);
    await ctx.inbox.setStatus(actor(req), id, 'open');
    res.redirect(303, `/inbox/${encodeURIComponent(id)}?done=reopened`);
  });

  r.post('/inbox/:contactId/assign', people, async (req: Request, res: Response) => {
    const id = String(req.params.contactId);
    const a = one((req.body as Record<string, unknown>).assignee).trim();
    await ctx.inbox.assign(actor(req), id, { assignee: a === '' ? null : a });
    res.redirect(303, `/inbox/${encodeURIComponent(id)}?done=assigned`);
  });

  return r;
}
