/**
 * A supporter's own page (/p/<token>, issue 13) as data: their first name, their goal, how many
 * friends they recruited and those friends' monthly pledges, the share text. Nothing about the
 * friends beyond counts, nothing about anyone else. A team's page (same address space) is the same
 * for the team: its name and goal, its members (opted-out ones left out) and their monthly
 * pledges. A token that is neither, or whose supporter opted out, is null (the adapter answers the
 * same 404 for all of them).
 */
import { primaryKeyword } from '../../core/campaign';
import type { Store } from '../../store/store';

/** A page token as made (128 bits, base64url): anything else is a 404 without a lookup. */
export const PAGE_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

export interface SupporterPageView {
  kind: 'supporter' | 'team';
  /** The team's name (team pages). */
  teamName?: string;
  programName: string;
  firstName: string | null;
  goal: number | null;
  recruits: number;
  pledgedCents: number;
  /** What friends text: "JOIN ANA7K". */
  joinText: string;
  sender: string;
}

export async function supporterPage(deps: { store: Pick<Store, 'referrals' | 'campaigns'> }, token: string): Promise<SupporterPageView | null> {
  if (!PAGE_TOKEN.test(token)) return null;
  const p = await deps.store.referrals.page(token);
  if (!p) return teamPage(deps, token);
  const c = await deps.store.campaigns.find(p.campaignId);
  if (!c) return null;
  const keyword = primaryKeyword(c);
  return {
    kind: 'supporter', programName: c.programName, firstName: p.firstName, goal: p.goal, recruits: p.recruits, pledgedCents: p.pledgedCents,
    joinText: p.code ? `${keyword} ${p.code}` : keyword, sender: c.sender,
  };
}

async function teamPage(deps: { store: Pick<Store, 'referrals' | 'campaigns'> }, token: string): Promise<SupporterPageView | null> {
  const p = await deps.store.referrals.teamPage(token);
  if (!p) return null;
  const c = await deps.store.campaigns.find(p.campaignId);
  const team = c?.referrals?.teams.find((t) => t.word === p.team);
  // A team removed from the campaign keeps no page.
  if (!c || !team) return null;
  return {
    kind: 'team', teamName: team.name, programName: c.programName, firstName: null, goal: team.goal ?? null, recruits: p.members,
    pledgedCents: p.pledgedCents, joinText: `${primaryKeyword(c)} ${team.word}`, sender: c.sender,
  };
}
