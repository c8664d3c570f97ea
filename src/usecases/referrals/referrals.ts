/**
 * A campaign's referral tree as organizers read it (GET /api/campaigns/:id/referrals): codes
 * issued, supporters credited, the share of sign-ups that came through a code, the longest chain,
 * the top recruiters (named "First L." only when they replied SHOW, else anonymous) and the teams.
 */
import { leaderboardName } from '../../core/referrals';
import { NO_REFERRAL_SETTINGS } from '../../core/referral-settings';
import { AppError } from '../../shared/errors';
import type { Store } from '../../store/store';

export interface RecruiterSummary {
  /** "Ana R." for those who replied SHOW; null: anonymous. */
  displayName: string | null;
  recruits: number;
  /** The monthly pledges of the friends they brought (each friend's latest). */
  pledgedCents: number;
}

export interface TeamSummary {
  word: string;
  name: string;
  members: number;
  pledgedCents: number;
}

export interface ReferralSummary {
  campaignId: string;
  codes: number;
  credited: number;
  signups: number;
  /** credited / signups, 0 … 1 (three decimals); 0 with no sign-ups. */
  shareThroughCodes: number;
  depth: number;
  topRecruiters: RecruiterSummary[];
  teams: TeamSummary[];
}

export const TOP_RECRUITERS = 10;

export async function referralSummary(deps: { store: Pick<Store, 'referrals' | 'campaigns'> }, campaignId: string): Promise<ReferralSummary> {
  const campaign = await deps.store.campaigns.find(campaignId);
  const totals = campaign ? await deps.store.referrals.totals(campaignId, TOP_RECRUITERS) : null;
  if (!campaign || !totals) throw new AppError('not_found', `campaign ${campaignId} not found`);
  const counts = new Map(totals.teams.map((t) => [t.team, t]));
  return {
    campaignId,
    codes: totals.codes,
    credited: totals.credited,
    signups: totals.signups,
    shareThroughCodes: totals.signups === 0 ? 0 : Math.round((totals.credited / totals.signups) * 1000) / 1000,
    depth: totals.depth,
    topRecruiters: totals.topRecruiters.map((r) => ({
      displayName: r.consented ? leaderboardName(r.firstName) : null, recruits: r.recruits, pledgedCents: r.pledgedCents,
    })),
    teams: (campaign.referrals ?? NO_REFERRAL_SETTINGS).teams.map((t) => ({
      word: t.word, name: t.name, members: counts.get(t.word)?.members ?? 0, pledgedCents: counts.get(t.word)?.pledgedCents ?? 0,
    })),
  };
}

/** Each team's page token (team word → token), for the console's links to the team pages. */
export function teamPageTokens(deps: { store: Pick<Store, 'referrals'> }, campaignId: string): Promise<Map<string, string>> {
  return deps.store.referrals.teamTokens(campaignId);
}
