/**
 * 0011: supporters recruit supporters (issue 13). Each supporter of a campaign may hold a personal
 * referral code (issued when they complete its flow), the recruiter who brought them (first credit
 * wins), a personal page token (/p/<token>), a goal, consent to be named on the live leaderboard,
 * and when their last "your friend joined" notice went. Teams (affinity groups) are defined per
 * campaign; a contact's teams are tags (contact_teams). Portable as written.
 */
import type { StoreEngine } from '../store';
import type { VersionedMigration } from './migration';

function ddl(engine: StoreEngine): string {
  const addColumn = engine === 'postgres' ? 'ADD COLUMN IF NOT EXISTS' : 'ADD COLUMN';
  return `
-- Per campaign: teams, the recruiter notice and the leaderboard question (JSON, src/core/referrals.ts).
ALTER TABLE campaigns ${addColumn} referral_settings TEXT NOT NULL DEFAULT '{}';

CREATE TABLE IF NOT EXISTS referrals (
  campaign_id TEXT NOT NULL,
  contact_id TEXT NOT NULL,
  code TEXT,                -- the supporter's own code (ANA7K), unique per campaign; NULL until issued
  recruited_by TEXT,        -- the recruiter's contact id (first credit wins; never the supporter)
  recruited_at TEXT,
  page_token TEXT,          -- /p/<token>, made on the first PAGE
  goal INTEGER,             -- GOAL n: friends the supporter means to recruit
  show_name INTEGER NOT NULL DEFAULT 0,  -- replied SHOW: may appear as "First L." on the leaderboard
  noticed_at TEXT,          -- the last "your friend joined" text to this recruiter
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (campaign_id, contact_id)
);
-- Partial where most rows have NULL: a completion (a row with a code, usually no recruiter and no
-- page yet) then writes no entry into those two indexes.
CREATE UNIQUE INDEX IF NOT EXISTS referrals_code ON referrals (campaign_id, code);
CREATE UNIQUE INDEX IF NOT EXISTS referrals_page ON referrals (page_token) WHERE page_token IS NOT NULL;
CREATE INDEX IF NOT EXISTS referrals_recruiter ON referrals (campaign_id, recruited_by) WHERE recruited_by IS NOT NULL;
CREATE INDEX IF NOT EXISTS referrals_contact ON referrals (contact_id);

-- A contact's teams on a campaign (tags): JOIN NURSES, or a flow step capturing "team".
CREATE TABLE IF NOT EXISTS contact_teams (
  campaign_id TEXT NOT NULL,
  contact_id TEXT NOT NULL,
  team TEXT NOT NULL,       -- the team's word (NURSES)
  joined_at TEXT NOT NULL,
  PRIMARY KEY (campaign_id, contact_id, team)
);
CREATE INDEX IF NOT EXISTS contact_teams_team ON contact_teams (campaign_id, team);
CREATE INDEX IF NOT EXISTS contact_teams_contact ON contact_teams (contact_id);

-- Each team's public page (/p/<token>), made when the team is first saved with its campaign.
CREATE TABLE IF NOT EXISTS team_pages (
  campaign_id TEXT NOT NULL,
  team TEXT NOT NULL,
  token TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  PRIMARY KEY (campaign_id, team)
);
`;
}

export const m0011: VersionedMigration = { name: '0011-referrals', ddl };
