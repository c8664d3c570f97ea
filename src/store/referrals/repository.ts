/**
 * What use cases may ask of referrals and teams (issue 13): a campaign's referral totals (codes,
 * credits, the recruiters at the top, teams), a supporter's page by its token, a team's members.
 * Recruiters' names leave the store only for those who replied SHOW; opted-out people never appear.
 */

/** One recruiter row (the use case decides what of it may be shown). */
export interface RecruiterRow {
  contactId: string;
  firstName: string | null;
  /** Replied SHOW (and still subscribed: opted-out recruiters are left out altogether). */
  consented: boolean;
  recruits: number;
  /** The monthly pledges of the friends they recruited (each friend's latest). */
  pledgedCents: number;
}

export interface TeamCount {
  team: string;
  members: number;
  pledgedCents: number;
}

export interface ReferralTotals {
  /** Codes issued in the campaign. */
  codes: number;
  /** Supporters credited to a recruiter. */
  credited: number;
  /** Everyone who joined the campaign (test numbers left out). */
  signups: number;
  /** The longest chain of recruits (A brought B who brought C: 2). */
  depth: number;
  topRecruiters: RecruiterRow[];
  teams: TeamCount[];
}

/** A supporter's page (/p/<token>): only their own name, their goal and counts. */
export interface SupporterPage {
  campaignId: string;
  contactId: string;
  firstName: string | null;
  code: string | null;
  goal: number | null;
  recruits: number;
  pledgedCents: number;
}

/** The live screen's leaderboard rows: subscribed recruiters only (opted-out ones drop off at once). */
export interface LeaderboardRows {
  recruiters: { firstName: string | null; consented: boolean; recruits: number }[];
  teams: { team: string; members: number }[];
}

/** A team's page (/p/<token>): counts only. */
export interface TeamPage {
  campaignId: string;
  team: string;
  members: number;
  pledgedCents: number;
}

export interface ReferralsRepository {
  /** The team page of a token; undefined when there is none. */
  teamPage(token: string): Promise<TeamPage | undefined>;
  /** Each team's page token on a campaign (team word → token). */
  teamTokens(campaignId: string): Promise<Map<string, string>>;
  /**
   * The top recruiters and teams, by count, from indexed aggregates (the live hub recomputes it
   * after each burst of texts, so it never reads the whole tree).
   */
  leaderboard(campaignId: string, top: number): Promise<LeaderboardRows>;
  /** Null when the campaign does not exist. `top` recruiters at most, most recruits first. */
  totals(campaignId: string, top: number): Promise<ReferralTotals | null>;
  /** The page of a token; undefined when no such token, or its supporter opted out (the page is gone at once). */
  page(token: string): Promise<SupporterPage | undefined>;
  /** Each team's members (opted-out and test numbers left out) and their monthly pledges. */
  teamCounts(campaignId: string): Promise<TeamCount[]>;
}
