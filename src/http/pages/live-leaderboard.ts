/**
 * The live screen's leaderboard (issue 13), rendered with the page (public/live-leaderboard.js
 * keeps it current from the same event stream): the top recruiters, named "Ana R." only when they
 * replied SHOW and "A supporter" otherwise, and the top teams. Counts and consented names only.
 */
import type { LeaderboardOnScreen, ScreenNumbers } from '../../usecases/polls/screen';
import { html, type Html } from './html';

export const ANONYMOUS = 'A supporter';

const count = (n: number) => n.toLocaleString('en-US');

function recruiterItems(l: LeaderboardOnScreen): Html[] {
  return l.recruiters.map((r) => html`<li><span class="lb-name">${r.name ?? ANONYMOUS}</span><span class="lb-count">${count(r.recruits)}</span></li>`);
}

function teamItems(l: LeaderboardOnScreen): Html[] {
  return l.teams.map((t) => html`<li><span class="lb-name">${t.name}</span><span class="lb-count">${count(t.members)}</span></li>`);
}

export function leaderboardSection(s: ScreenNumbers): Html {
  const l = s.leaderboard ?? null;
  return html`<section class="leaderboard" id="leaderboard" aria-label="Leaderboard"${l ? '' : html` hidden`}>
    <div class="lb-col" id="lb-recruiters-col"${l && l.recruiters.length > 0 ? '' : html` hidden`}>
      <h2>Top recruiters</h2>
      <ol class="lb-list" id="lb-recruiters">${l ? recruiterItems(l) : ''}</ol>
    </div>
    <div class="lb-col" id="lb-teams-col"${l && l.teams.length > 0 ? '' : html` hidden`}>
      <h2>Top teams</h2>
      <ol class="lb-list" id="lb-teams">${l ? teamItems(l) : ''}</ol>
    </div>
  </section>`;
}
