/**
 * The live screen's voting views, rendered with the page (public/live-votes.js keeps them current
 * from the same event stream): the poll (question, a bar per option with count and percentage,
 * the total; "Final result" once closed) and the top ideas rising. Labels, counts and approved
 * idea texts only.
 */
import type { IdeaOnScreen, PollOnScreen, ScreenNumbers } from '../../usecases/polls/screen';
import { html, type Html } from './html';

const count = (n: number) => n.toLocaleString('en-US');

function pollBars(p: PollOnScreen): Html[] {
  return p.results.map(
    (r) => html`<li class="bar">
      <span class="bar-label">${r.label}</span>
      <svg class="bar-track" viewBox="0 0 1000 100" preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <rect class="track" x="0" y="0" width="1000" height="100" rx="20"></rect>
        <rect class="fill" x="0" y="0" width="${r.percent * 10}" height="100" rx="20"></rect>
      </svg>
      <span class="bar-count"><span class="bar-votes">${count(r.votes)}</span> · <span class="bar-pct">${r.percent}%</span></span>
    </li>`,
  );
}

function ideaItems(ideas: IdeaOnScreen[]): Html[] {
  return ideas.map((i) => html`<li><span class="idea-num">${i.number}</span><span class="idea-text">${i.text}</span><span class="idea-votes">${count(i.votes)}</span></li>`);
}

export function votingSection(s: ScreenNumbers): Html {
  const p = s.poll ?? null;
  const ideas = s.ideas ?? null;
  return html`<section class="poll" id="poll" aria-label="Live poll"${p ? '' : html` hidden`}>
    <h2 id="poll-question">${p?.question ?? ''}</h2>
    <p class="poll-status" id="poll-status">${p?.status === 'closed' ? 'Final result' : 'Text your answer now'}</p>
    <ol class="bars" id="poll-bars">${p ? pollBars(p) : ''}</ol>
    <p class="poll-total"><span id="poll-total">${count(p?.total ?? 0)}</span> votes</p>
  </section>
  <section class="ideas" id="ideas" aria-label="Top ideas"${ideas && ideas.length > 0 ? '' : html` hidden`}>
    <h2>Top ideas <span class="ideas-how">text VOTE and the number</span></h2>
    <ol class="idea-list" id="idea-list">${ideas ? ideaItems(ideas) : ''}</ol>
  </section>`;
}
