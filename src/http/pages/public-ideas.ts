/**
 * The public ideas page, /ideas/<display token> (no sign-in; the campaign's live-screen link token
 * is the secret, as for /live/<token>): the approved ideas of the latest ideas window with their
 * numbers and votes, most votes first, readable on a phone. Approved texts and counts only.
 */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { primaryKeyword } from '../../core/campaign';
import { CampaignService } from '../../usecases/campaigns/campaigns';
import { LiveScreens } from '../../usecases/live/screens';
import { html } from './html';
import { screenHead } from './screen-head';
import { senderForPeople } from './live';

export function publicIdeasRoutes(ctx: AppContext): Router {
  const r = Router();
  const screens = new LiveScreens({ ...ctx, hub: ctx.live });

  r.get('/ideas/:token', async (req: Request, res: Response) => {
    const d = await screens.display(String(req.params.token));
    const c = await new CampaignService(ctx).get(d.campaignId);
    const { window: w, ideas } = await ctx.ideas.board(c.id, 500);
    const open = !!w && w.closedAt === null;
    res.type('html').send(
      html`<!doctype html>
<html lang="en">
${screenHead(`${c.programName} · ideas`)}
<body class="live public-ideas">
<main>
  <header class="live-head">
    <h1>${c.programName}: ideas</h1>
    <p class="cta">${open ? html`Text <strong>VOTE</strong> and a number to <strong>${senderForPeople(c.sender)}</strong> (up to 3 votes)` : html`Voting is closed. Text <strong>${primaryKeyword(c)}</strong> to <strong>${senderForPeople(c.sender)}</strong> for updates`}</p>
  </header>
  <section class="ideas" aria-label="Approved ideas">
    ${ideas.length === 0 ? html`<p class="poll-total">No ideas on the list yet.</p>` : html`<ol class="idea-list" id="idea-list">${ideas.map(
      (i) => html`<li><span class="idea-num">${i.number ?? ''}</span><span class="idea-text">${i.text}</span><span class="idea-votes">${i.votes.toLocaleString('en-US')} vote${i.votes === 1 ? '' : 's'}</span></li>`,
    )}</ol>`}
  </section>
</main>
</body>
</html>
`.value,
    );
  });
  return r;
}
