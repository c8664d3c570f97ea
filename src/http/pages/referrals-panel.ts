/**
 * The console's "Referrals and teams" panel on a campaign's page (issue 13): codes issued,
 * supporters credited and their share of sign-ups, the longest chain, each team's members and
 * pledges. Totals only: recruiters are not listed here (the API names only those who said SHOW).
 */
import type { AppContext } from '../../wiring/context';
import { formatCents } from '../../core/money';
import { referralSummary, teamPageTokens } from '../../usecases/referrals/referrals';
import { html, type Html } from './html';

export async function referralsPanel(ctx: AppContext, campaignId: string): Promise<Html> {
  const s = await referralSummary(ctx, campaignId);
  const tokens = await teamPageTokens(ctx, campaignId);
  const n = (x: number) => x.toLocaleString('en-US');
  return html`<aside class="panel" aria-labelledby="referrals-title" id="referrals">
<h2 id="referrals-title">Referrals and teams</h2>
<p><strong>${n(s.codes)}</strong> codes · <strong>${n(s.credited)}</strong> joined through a code
(${Math.round(s.shareThroughCodes * 100)}% of ${n(s.signups)} sign-ups) · longest chain ${n(s.depth)}</p>
${s.teams.length === 0
    ? html`<p class="hint">No teams yet: add them under <a href="#f-referrals-teams">Referrals and teams</a> in the form, one a line like <code>NURSES | Nurses</code> (see the organizer guide "Supporters recruit supporters").</p>`
    : html`<div class="table-wrap"><table><caption class="visually-hidden">Teams</caption>
<thead><tr><th scope="col">Team</th><th scope="col">Word</th><th scope="col" class="num">Members</th><th scope="col" class="num">Pledged monthly</th><th scope="col">Page</th></tr></thead>
<tbody>${s.teams.map((t) => html`<tr><td>${t.name}</td><td><code>${t.word}</code></td><td class="num" data-team="${t.word}">${n(t.members)}</td><td class="num">${formatCents(t.pledgedCents)}</td>
<td>${tokens.has(t.word) ? html`<a href="/p/${tokens.get(t.word)!}" rel="noreferrer">team page</a>` : ''}</td></tr>`)}</tbody></table></div>`}
</aside>`;
}
