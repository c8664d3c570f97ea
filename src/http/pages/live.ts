/**
 * The live rally screen: GET /live/<display token> (no sign-in; the token is the secret) and its
 * server-sent event stream GET /live/<token>/events. Both carry aggregates only: the campaign's
 * public call to action (keyword and sender, as printed on the posters), people joined tonight,
 * completed sign-ups, monthly pledges, what was paid, and the goal. Never a supporter's name, number or email.
 */
import { keywordIn } from '../../core/system-texts';
import { languagesOf } from '../../core/language';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { primaryKeyword, type CampaignRuntime } from '../../core/campaign';
import { formatCents } from '../../core/money';
import { AppError } from '../../shared/errors';
import { LIVE_LIMITS, type LiveRefusal } from '../../usecases/live/hub';
import { LiveScreens, type LiveStats } from '../../usecases/live/screens';
import { clientOf } from '../client-address';
import { html } from './html';
import { screenHead } from './screen-head';
import type { ScreenNumbers } from '../../usecases/polls/screen';
import { votingSection } from './live-votes';
import { leaderboardSection } from './live-leaderboard';

/** The only fields that ever leave the server for a screen. */
export function publicStats(s: ScreenNumbers): ScreenNumbers {
  const out: ScreenNumbers = { joined: s.joined, completed: s.completed, pledgedCents: s.pledgedCents, paidCents: s.paidCents, goalCents: s.goalCents, since: s.since };
  // The voting views only while there is something to show (an absent key hides them).
  if (s.poll) out.poll = { question: s.poll.question, status: s.poll.status, total: s.poll.total, results: s.poll.results.map((r) => ({ label: r.label, votes: r.votes, percent: r.percent })) };
  if (s.ideas && s.ideas.length > 0) out.ideas = s.ideas.map((i) => ({ number: i.number, text: i.text, votes: i.votes }));
  if (s.leaderboard) {
    out.leaderboard = {
      recruiters: s.leaderboard.recruiters.map((r) => ({ name: r.name, recruits: r.recruits })),
      teams: s.leaderboard.teams.map((t) => ({ name: t.name, members: t.members })),
    };
  }
  return out;
}

export function goalFraction(s: Pick<LiveStats, 'pledgedCents' | 'goalCents'>): number {
  return s.goalCents > 0 ? Math.min(1, s.pledgedCents / s.goalCents) : 0;
}

const count = (n: number) => n.toLocaleString('en-US');

/** A sender as people type it: 62262, or 312-555-0199 for a US number. */
export function senderForPeople(sender: string): string {
  const us = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(sender);
  return us ? `${us[1]}-${us[2]}-${us[3]}` : sender;
}

/**
 * The words on the call to action: the primary keyword, and in a campaign with several languages
 * each language's own keyword too ("Text JOIN / UNETE to 62262", issue 16).
 */
function ctaKeywords(c: Pick<CampaignRuntime, 'keywords' | 'languages'>): string[] {
  const words = languagesOf(c).map((l) => keywordIn(c, l));
  return [...new Set([primaryKeyword(c), ...words])].filter((w) => w !== '');
}

function livePage(token: string, c: { programName: string; keywords: string[]; sender: string }, s: ScreenNumbers): string {
  const f = goalFraction(s);
  const pct = Math.floor(f * 100);
  // SVG geometry is set with attributes (no inline styles: the CSP forbids them).
  // Both thermometers (vertical on wide screens, horizontal on phones) use a 0-1000 scale.
  const fill = Math.round(f * 1000);
  return html`<!doctype html>
<html lang="en">
${screenHead(`${c.programName} · live`, ['/assets/live.js', '/assets/live-votes.js', '/assets/live-leaderboard.js'])}
<body class="live" data-events="/live/${token}/events">
<main>
  <header class="live-head">
    <h1>${c.programName}</h1>
    <p class="cta">Text ${c.keywords.map((k, i) => html`${i > 0 ? ' / ' : ''}<strong>${k}</strong>`)} to <strong>${senderForPeople(c.sender)}</strong></p>
  </header>
  <div class="live-body">
    <section class="stats" aria-label="Tonight so far">
      <div class="stat"><span class="num" id="joined">${count(s.joined)}</span><span class="label">joined tonight</span></div>
      <div class="stat"><span class="num" id="completed">${count(s.completed)}</span><span class="label">completed sign-ups</span></div>
      <div class="stat money"><span class="num" id="pledged">${formatCents(s.pledgedCents)}</span><span class="label">pledged monthly · <span id="paid">${formatCents(s.paidCents)}</span> paid</span></div>
    </section>
    <section class="thermo" aria-label="Progress toward tonight's goal">
      <svg class="thermo-v" viewBox="0 0 100 1000" preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <rect class="track" x="0" y="0" width="100" height="1000" rx="50"></rect>
        <rect class="fill" id="fill-v" x="0" y="${1000 - fill}" width="100" height="${fill}" rx="50"></rect>
      </svg>
      <svg class="thermo-h" viewBox="0 0 1000 100" preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <rect class="track" x="0" y="0" width="1000" height="100" rx="50"></rect>
        <rect class="fill" id="fill-h" x="0" y="0" width="${fill}" height="100" rx="50"></rect>
      </svg>
      <p class="goal"${s.goalCents > 0 ? '' : html` hidden`} id="goal-line"><span id="pct">${pct}%</span> of the
        <span id="goal">${formatCents(s.goalCents)}</span> monthly goal</p>
    </section>
  </div>
  ${votingSection(s)}
  ${leaderboardSection(s)}
  <p class="conn" id="conn" role="status" aria-live="polite"></p>
</main>
</body>
</html>
`.value;
}

/** A screen the hub would not take: 429 for one client's excess, 503 when the link or the hub is full. */
function refusal(r: LiveRefusal): AppError {
  if (r.refused === 'client') {
    return new AppError('rate_limited', `At most ${LIVE_LIMITS.maxPerClient} live screens can be open from one address. Close one and try again.`, [], 30);
  }
  if (r.refused === 'display') {
    return new AppError('unavailable', `This display link already has ${LIVE_LIMITS.maxPerDisplay} screens open. Close one and try again.`, [], 30);
  }
  return new AppError('unavailable', 'Too many live screens are connected right now. Try again shortly.', [], 30);
}

export function liveRoutes(ctx: AppContext): Router {
  const r = Router();
  const screens = new LiveScreens({ ...ctx, hub: ctx.live });

  r.get('/live/:token', async (req: Request, res: Response) => {
    const { display: d, campaign: c, stats } = await screens.screen(String(req.params.token));
    res.type('html').send(livePage(d.token, { programName: c.programName, keywords: ctaKeywords(c), sender: c.sender }, stats));
  });

  r.get('/live/:token/events', async (req: Request, res: Response) => {
    const d = await screens.display(String(req.params.token));
    // The screen may hang up while its first numbers are read: then it is never registered.
    let gone = false;
    res.once('close', () => (gone = true));
    const send = (s: ScreenNumbers) => res.write(`event: stats\ndata: ${JSON.stringify(publicStats(s))}\n\n`);
    const sub = await ctx.live.subscribe(
      d.campaignId,
      { stats: send, ping: () => res.write(': ping\n\n'), close: () => res.end() },
      clientOf(req),
    );
    if ('refused' in sub) throw refusal(sub);
    if (gone || res.destroyed) return sub.unsubscribe();
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    if (sub.stats) send(sub.stats);
    req.on('close', sub.unsubscribe);
    res.on('close', sub.unsubscribe);
  });

  return r;
}
