/** The audit log for organizers: who did what, newest first, a page at a time ("Older entries"). */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { AUDIT_ACTION_LABELS, type AuditAction, type AuditEntry } from '../../usecases/audit/audit';
import { parseAuditQuery } from '../audit-query';
import { pageSession, requirePage } from './guard';
import { html, type Html } from './html';
import { consolePage } from './layout';

const PAGE = 50;

const TARGET_LINK: Record<string, (id: string) => string> = {
  broadcast: (id) => `/broadcasts/${encodeURIComponent(id)}`,
  campaign: (id) => `/campaigns/${encodeURIComponent(id)}`,
  contact: (id) => `/contacts/${encodeURIComponent(id)}`,
  person: () => '/people',
};

function target(e: AuditEntry): Html {
  if (!e.target) return html`—`;
  const link = TARGET_LINK[e.target.type];
  const label = typeof e.details.name === 'string' ? e.details.name : typeof e.details.email === 'string' ? e.details.email : e.target.id;
  return link ? html`${e.target.type} <a href="${link(e.target.id)}">${label}</a>` : html`${e.target.type} ${label}`;
}

function details(d: Record<string, unknown>): Html {
  const pairs = Object.entries(d).filter(([k]) => k !== 'name' && k !== 'email');
  if (pairs.length === 0) return html``;
  return html`<dl class="audit-details">${pairs.map(([k, v]) => html`<dt>${k}</dt><dd>${typeof v === 'string' ? v : JSON.stringify(v)}</dd>`)}</dl>`;
}

export function auditPages(ctx: AppContext): Router {
  const r = Router();
  r.get('/audit', requirePage(ctx, 'admin'), async (req: Request, res: Response) => {
    const q = parseAuditQuery(req.query, PAGE);
    const { entries, next } = await ctx.audit.page(q.limit, q.before);
    const body = html`<h1>Audit log</h1>
<p>Who did what in the console, the API and the command line, newest first.</p>
${entries.length === 0 ? html`<p>Nothing recorded${q.before ? ' before this point' : ' yet'}.</p>` : html`<div class="table-wrap"><table class="audit">
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Did</th><th scope="col">What</th><th scope="col">Details</th></tr></thead>
<tbody>${entries.map((e) => html`<tr><td><time datetime="${e.at}">${e.at.slice(0, 19).replace('T', ' ')} UTC</time></td>
<td>${e.actor.name} <span class="muted">(${e.actor.role})</span></td>
<td><span data-action="${e.action}">${AUDIT_ACTION_LABELS[e.action as AuditAction] ?? e.action}</span></td>
<td>${target(e)}</td><td>${details(e.details)}</td></tr>`)}</tbody></table></div>`}
<p>${q.before ? html`<a href="/audit">Newest</a> · ` : ''}${next ? html`<a href="/audit?before=${next}">Older entries</a>` : ''}</p>`;
    res.type('html').send(consolePage({ title: 'Audit log', session: pageSession(req), active: 'audit', body }));
  });
  return r;
}
