/**
 * The console's "From pledge to paid" panel on a campaign's page (pledged against paid, how far
 * each pledge got, the follow-up sequences with their upcoming and sent counts), and a contact's
 * follow-up schedule on the contact's page. Totals only on the campaign: no names, no numbers.
 */
import type { AppContext } from '../../wiring/context';
import { formatCents } from '../../core/money';
import { pledgeSummary } from '../../usecases/pledges/summary';
import { Sequences } from '../../usecases/sequences/sequences';
import { html, type Html } from './html';

const STATUS_LABEL: Record<string, string> = { pledged: 'Pledged', link_sent: 'Link sent', clicked: 'Clicked', paid: 'Paid', lapsed: 'Lapsed' };

export async function pledgePanel(ctx: AppContext, campaignId: string): Promise<Html> {
  const s = await pledgeSummary(ctx, campaignId);
  const sequences = await new Sequences(ctx).list(campaignId);
  const pct = s.pledgedCents > 0 ? Math.min(100, Math.floor((s.paidCents / s.pledgedCents) * 100)) : 0;
  return html`<aside class="panel" aria-labelledby="pledges-title" id="pledges">
<h2 id="pledges-title">From pledge to paid</h2>
<p><strong>${formatCents(s.pledgedCents)}</strong> pledged by ${s.pledges.toLocaleString('en-US')} people ·
<strong>${formatCents(s.paidCents)}</strong> paid (${pct}%) · ${s.clicks.toLocaleString('en-US')} link clicks</p>
<div class="table-wrap"><table><caption class="visually-hidden">Pledges by status</caption>
<thead><tr>${Object.keys(s.byStatus).map((k) => html`<th scope="col" class="num">${STATUS_LABEL[k] ?? k}</th>`)}</tr></thead>
<tbody><tr>${Object.values(s.byStatus).map((n) => html`<td class="num">${n.toLocaleString('en-US')}</td>`)}</tr></tbody></table></div>
<h3>Follow-up sequences</h3>
${sequences.length === 0
    ? html`<p class="hint">None yet: <code>POST /api/sequences</code> (see the organizer guide "From pledge to paid").</p>`
    : html`<div class="table-wrap"><table><thead><tr><th scope="col">Sequence</th><th scope="col">After</th><th scope="col" class="num">Upcoming</th><th scope="col" class="num">Sent</th><th scope="col" class="num">Skipped</th></tr></thead>
<tbody>${sequences.map((q) => html`<tr><td>${q.name}${q.active ? '' : html` <span class="badge">deleted</span>`}</td><td>${q.trigger === 'date' ? `the date in ${q.field ?? '?'}` : q.trigger}</td>
<td class="num">${q.counts.scheduled.toLocaleString('en-US')}</td><td class="num">${q.counts.sent.toLocaleString('en-US')}</td><td class="num">${q.counts.skipped.toLocaleString('en-US')}</td></tr>`)}</tbody></table></div>`}
</aside>`;
}

export async function scheduleSection(ctx: AppContext, contactId: string): Promise<Html> {
  const rows = await new Sequences(ctx).contactSchedule(contactId);
  return html`<h2>Follow-up schedule</h2>
${rows.length === 0 ? html`<p>Nothing scheduled.</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Due</th><th scope="col">Sequence</th><th scope="col">Step</th><th scope="col">Status</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td>${r.dueAt}</td><td>${r.sequenceName}</td><td>${r.stepIndex + 1}${r.occurrence > 0 ? ` (month ${r.occurrence + 1})` : ''}</td>
<td>${r.status}${r.reason ? ` (${r.reason.replace(/_/g, ' ')})` : ''}</td></tr>`)}</tbody></table></div>`}`;
}
