/** Tables of referrals and teams (migration 0011; referrals keyed by contact, then campaign, since 0014): per-campaign supporter rows and team tags. */

export interface ReferralsTable {
  campaign_id: string;
  contact_id: string;
  /** The supporter's own code; null until issued (at completion). */
  code: string | null;
  /** The recruiter's contact id (first credit wins). */
  recruited_by: string | null;
  recruited_at: string | null;
  /** /p/<token>, made on the first PAGE. */
  page_token: string | null;
  goal: number | null;
  /** 1: replied SHOW (may be named "First L." on the leaderboard). */
  show_name: number;
  /** The last "your friend joined" notice to this recruiter. */
  noticed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface TeamPagesTable {
  campaign_id: string;
  team: string;
  /** /p/<token>: the team's page. */
  token: string;
  created_at: string;
}

export interface ContactTeamsTable {
  campaign_id: string;
  contact_id: string;
  team: string;
  joined_at: string;
}
