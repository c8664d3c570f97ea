/**
 * Contacts: search by phone or name; one contact's captured fields, campaigns, pledges, full
 * consent history and recent texts; and the manual opt-out (recorded as a consent event via
 * 'admin', after which the outbox's opt-out rule refuses every text to the number).
 */
import { LANGUAGE_NAMES } from '../../core/language';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { formatCents } from '../../core/money';
import { contactRecord, optOutByAdmin, SEARCH_LIMIT, searchContacts, type ContactSummary } from '../../usecases/contacts/directory';
import type { ConsoleSession } from '../session';
import { pageSession, requirePage } from './guard';
import { html, type Html } from './html';
import { consolePage, csrfField } from './layout';
import { recordAudit } from '../audit-record';
import { scheduleSection } from './pledge-panel';

const STATUS_LABEL: Record<string, string> = { pending: 'Pending', subscribed: 'Subscribed', opted_out: 'Opted out' };
const OUT_STATUS: Record<string, string> = { twiml: 'sent as a reply', suppressed: 'not sent: opted out' };
const KIND_LABEL: Record<string, string> = { opt_in: 'Opt-in', opt_out: 'Opt-out', help: 'Help request' };

function when(iso: string | null): Html {
  return iso ? html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>` : html`—`;
}

function statusBadge(c: Pick<ContactSummary, 'status' | 'isTest' | 'undeliverable'>): Html {
  return html`<span class="badge status-${c.status}">${STATUS_LABEL[c.status] ?? c.status}</span>${c.isTest ? html` <span class="badge">test number</span>` : ''}${
    c.undeliverable ? html` <span class="badge">undeliverable</span>` : ''}`;
}

function searchPage(session: ConsoleSession, q: string, includeTest: boolean, results: ContactSummary[]): string {
  const rows = results.map(
    (c) => html`<tr><th scope="row"><a href="/contacts/${c.id}">${c.phone}</a></th><td>${c.firstName ?? ''}</td><td>${c.zip ?? ''}</td>
<td>${c.email ?? ''}</td><td>${statusBadge(c)}</td><td>${when(c.updatedAt)}</td></tr>`,
  );
  const body = html`<h1>Contacts</h1>
<form method="get" action="/contacts" class="search" role="search">
<div class="field"><label for="q">Search by phone number or first name</label>
<p class="hint" id="q-hint">Digits match anywhere in the number (e.g. 0142); letters match first names and emails.</p>
<input id="q" name="q" type="search" value="${q}" aria-describedby="q-hint" spellcheck="false"></div>
<div class="field checkbox"><input type="checkbox" id="include-test" name="test" value="1"${includeTest ? html` checked` : ''}>
<label for="include-test">Include rehearsal test numbers</label></div>
<button type="submit">Search</button>
</form>
${results.length === 0
    ? html`<p>No contacts match${q ? html` “${q}”` : ''}.</p>`
    : html`<div class="table-wrap"><table>
<caption>${q ? html`Contacts matching “${q}”` : 'Most recently active contacts'}${results.length === SEARCH_LIMIT ? ` (first ${SEARCH_LIMIT})` : ''}</caption>
<thead><tr><th scope="col">Phone</th><th scope="col">First name</th><th scope="col">ZIP</th><th scope="col">Email</th><th scope="col">Status</th><th scope="col">Last activity</th></tr></thead>
<tbody>${rows}</tbody></table></div>`}`;
  return consolePage({ title: 'Contacts', session, active: 'contacts', body });
}

async function detailPage(ctx: AppContext, session: ConsoleSession, id: string, flash: string | null): Promise<string> {
  const r = await contactRecord(ctx.store, id);
  const c = r.contact;
  const fields = Object.entries(r.fields);
  const body = html`<p class="breadcrumb"><a href="/contacts">Contacts</a></p>
<h1>${c.firstName ? html`${c.firstName} · ` : ''}${c.phone}</h1>
<p>${statusBadge(c)}</p>
<div class="detail-layout">
<section aria-labelledby="profile-title" class="panel">
<h2 id="profile-title">Profile</h2>
<dl class="pairs">
<dt>Phone</dt><dd>${c.phone}</dd>
<dt>First name</dt><dd>${c.firstName ?? '—'}</dd>
<dt>ZIP</dt><dd>${c.zip ?? '—'}</dd>
<dt>Email</dt><dd>${c.email ?? '—'}</dd>
<dt>State (from carrier)</dt><dd>${c.fromState ?? '—'}</dd>
<dt>Language</dt><dd>${c.language ? (LANGUAGE_NAMES as Record<string, string>)[c.language] ?? c.language : 'not known (the campaign default)'}</dd>
<dt>First seen</dt><dd>${when(c.createdAt)}</dd>
<dt>Opted out</dt><dd>${when(c.optedOutAt)}</dd>
${fields.map(([k, v]) => html`<dt>${k}</dt><dd>${typeof v === 'string' ? v : JSON.stringify(v)}</dd>`)}
</dl>
${c.status === 'opted_out'
    ? html`<p>This number is opted out: nothing will be sent to it until the person texts START.</p>`
    : html`<form method="post" action="/contacts/${c.id}/opt-out" class="stack">
${csrfField(session)}
<p class="hint" id="optout-hint">Use when the person asked to stop another way (call, email, in person). It is recorded in the consent history as an opt-out by an organizer; no text is sent.</p>
<button type="submit" class="danger" aria-describedby="optout-hint" data-confirm="Opt out ${c.phone}? Nothing more will be sent to this number until the person texts START.">Opt out this number</button>
</form>`}
</section>
<section aria-labelledby="consent-title">
<h2 id="consent-title">Consent history</h2>
${r.consent.length === 0 ? html`<p>No consent events.</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">How</th><th scope="col">Keyword or phrase</th><th scope="col">Sender</th><th scope="col">Campaign</th><th scope="col">Message SID</th></tr></thead>
<tbody>${r.consent.map((e) => html`<tr><td>${when(e.at)}</td><td>${KIND_LABEL[e.kind] ?? e.kind}</td><td>${e.via}</td><td>${e.keyword ?? '—'}</td>
<td>${e.sender ?? '—'}</td><td>${e.campaignName ?? '—'}</td><td><code>${e.messageSid ?? '—'}</code></td></tr>`)}</tbody></table></div>`}
<h2>Campaigns</h2>
${r.memberships.length === 0 ? html`<p>Not a member of any campaign.</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Campaign</th><th scope="col">Keyword</th><th scope="col">Joined</th><th scope="col">Completed</th></tr></thead>
<tbody>${r.memberships.map((m) => html`<tr><td><a href="/campaigns/${m.campaignId}">${m.campaignName}</a></td><td>${m.keyword}</td><td>${when(m.joinedAt)}</td><td>${when(m.completedAt)}</td></tr>`)}</tbody></table></div>`}
<h2>Pledges</h2>
${r.pledges.length === 0 ? html`<p>No pledges.</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">When</th><th scope="col">Campaign</th><th scope="col" class="num">Amount</th><th scope="col">Frequency</th></tr></thead>
<tbody>${r.pledges.map((p) => html`<tr><td>${when(p.at)}</td><td>${p.campaignName}</td><td class="num">${formatCents(p.amountCents)}</td><td>${p.frequency}</td></tr>`)}</tbody></table></div>`}
${await scheduleSection(ctx, c.id)}
<h2>Recent texts</h2>
${r.messages.length === 0 ? html`<p>No texts.</p>` : html`<ol class="bubbles log">${r.messages.map(
    (m) => html`<li class="bubble ${m.direction === 'in' ? 'me' : 'them'}${m.status === 'suppressed' ? ' suppressed' : ''}"><span class="visually-hidden">${
      m.direction === 'in' ? 'They texted: ' : 'We replied: '}</span>${m.body}<span class="note">${when(m.at)}${m.direction === 'out' ? ` · ${OUT_STATUS[m.status] ?? m.status}` : ''}</span></li>`,
  )}</ol>`}
</section>
</div>`;
  return consolePage({ title: c.phone, session, active: 'contacts', body, flash });
}

export function contactPages(ctx: AppContext): Router {
  const r = Router();
  const admin = requirePage(ctx, 'admin');

  r.get('/contacts', admin, async (req: Request, res: Response) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    const includeTest = req.query.test === '1';
    res.type('html').send(searchPage(pageSession(req), q, includeTest, await searchContacts(ctx.store, q, includeTest)));
  });

  r.get('/contacts/:id', admin, async (req: Request, res: Response) => {
    const flash = req.query.done === 'opted-out' ? 'Opted out. Recorded in the consent history (via admin).' : req.query.done === 'already' ? 'This number was already opted out.' : null;
    res.type('html').send(await detailPage(ctx, pageSession(req), String(req.params.id), flash));
  });

  r.post('/contacts/:id/opt-out', admin, async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const changed = await optOutByAdmin(ctx, id);
    if (changed) await recordAudit(ctx, req, 'contact.opted_out', { type: 'contact', id }, {});
    res.redirect(303, `/contacts/${encodeURIComponent(id)}?done=${changed ? 'opted-out' : 'already'}`);
  });

  return r;
}
