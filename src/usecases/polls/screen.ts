/**
 * What the live screen shows of voting, next to tonight's numbers: the poll (the open one, else
 * the one closed last tonight, with its final result) as a bar per option with counts and
 * percentages, and the top ideas of the latest ideas window. Labels, counts and approved idea
 * texts only: never a phone number or a name. Recomputed by the live hub after a burst of votes
 * (coalesced: one recomputation per burst, however many votes and screens).
 */
import type { LiveStats } from '../../store/live/repository';
import type { Store } from '../../store/store';
import { windowStart } from '../live/stats';
import { resultsOf } from './polls';
import { leaderboardName } from '../../core/referrals';

export interface PollOnScreen {
  question: string;
  status: 'open' | 'closed';
  total: number;
  results: { label: string; votes: number; percent: number }[];
}

export interface IdeaOnScreen {
  number: number;
  text: string;
  votes: number;
}

/**
 * The leaderboard (issue 13): recruiters as "Ana R." only when they replied SHOW (others as
 * null: "A supporter"), teams by name; counts only.
 */
export interface LeaderboardOnScreen {
  recruiters: { name: string | null; recruits: number }[];
  teams: { name: string; members: number }[];
}

/** A live screen's numbers: tonight's, plus the poll, the top ideas and the leaderboard when there are any. */
export type ScreenNumbers = LiveStats & { poll?: PollOnScreen | null; ideas?: IdeaOnScreen[] | null; leaderboard?: LeaderboardOnScreen | null };

export const TOP_ON_LEADERBOARD = 5;

export async function leaderboardOnScreen(store: Pick<Store, 'referrals' | 'campaigns'>, campaignId: string): Promise<LeaderboardOnScreen | null> {
  const rows = await store.referrals.leaderboard(campaignId, TOP_ON_LEADERBOARD);
  if (rows.recruiters.length === 0 && rows.teams.length === 0) return null;
  const c = await store.campaigns.find(campaignId);
  const names = new Map((c?.referrals?.teams ?? []).map((t) => [t.word, t.name]));
  return {
    recruiters: rows.recruiters.map((r) => ({ name: r.consented ? leaderboardName(r.firstName) : null, recruits: r.recruits })),
    teams: rows.teams.map((t) => ({ name: names.get(t.team) ?? t.team, members: t.members })),
  };
}

export const TOP_IDEAS = 5;

/** Whole percentages of the total (0 when nobody voted yet). */
export function percentOf(votes: number, total: number): number {
  return total > 0 ? Math.round((votes * 100) / total) : 0;
}

export async function pollOnScreen(store: Pick<Store, 'polls'>, campaignId: string, since: string): Promise<PollOnScreen | null> {
  const poll = await store.polls.shown(campaignId, since);
  if (!poll || poll.status === 'draft') return null;
  const r = resultsOf(poll, await store.polls.counts(poll.id));
  return {
    question: r.question, status: poll.status, total: r.total,
    results: r.results.map((o) => ({ label: o.label, votes: o.votes, percent: percentOf(o.votes, r.total) })),
  };
}

export async function ideasOnScreen(store: Pick<Store, 'ideas'>, campaignId: string, since: string): Promise<IdeaOnScreen[] | null> {
  const w = await store.ideas.latestWindow(campaignId);
  if (!w || (w.closedAt !== null && w.closedAt < since)) return null;
  const top = await store.ideas.top(w.id, TOP_IDEAS);
  return top.map((i) => ({ number: i.number ?? 0, text: i.text, votes: i.votes }));
}

export async function liveScreenNumbers(
  store: Store, campaignId: string, now: Date,
  stats: (store: Store, campaignId: string, now: Date) => Promise<LiveStats | null>,
): Promise<ScreenNumbers | null> {
  const s = await stats(store, campaignId, now);
  if (!s) return null;
  const display = await store.live.display(campaignId);
  const since = windowStart(display?.countingFrom ?? null, now);
  return Object.assign(s, {
    poll: await pollOnScreen(store, campaignId, since), ideas: await ideasOnScreen(store, campaignId, since), leaderboard: await leaderboardOnScreen(store, campaignId),
  });
}
