/**
 * 0008: The crowd votes (issue 15): live polls on a sender and the ideas window (submissions,
 * moderation, numbers, votes). New tables only; portable DDL, the same script on both engines.
 * Votes are keyed so that the database itself enforces "one vote per phone" (a later vote
 * replaces the earlier one) and "one vote per phone per idea"; MessageSid dedupe is the inbound
 * row's (a replayed webhook never reaches these tables twice).
 */
import type { StoreEngine } from '../store';
import type { VersionedMigration } from './migration';

const DDL = `
-- A poll: a question and 2-9 options (JSON [{label, words}]), on its campaign's sender.
-- status: draft (created) -> open -> closed. At most one poll is open per sender.
CREATE TABLE IF NOT EXISTS polls (
  id TEXT PRIMARY KEY,
  campaign_id TEXT NOT NULL REFERENCES campaigns (id),
  sender TEXT NOT NULL,
  question TEXT NOT NULL,
  options TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  opened_at TEXT,
  closed_at TEXT
);
CREATE INDEX IF NOT EXISTS polls_campaign ON polls (campaign_id, created_at);
CREATE INDEX IF NOT EXISTS polls_sender_status ON polls (sender, status);

-- Each phone's response to a poll: its vote (option_index, null while it only got the
-- "Reply 1, 2 or 3" hint) and whether the hint was given (once per phone per poll).
CREATE TABLE IF NOT EXISTS poll_votes (
  poll_id TEXT NOT NULL REFERENCES polls (id),
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  option_index INTEGER,
  hinted INTEGER NOT NULL DEFAULT 0,
  message_sid TEXT,
  voted_at TEXT NOT NULL,
  PRIMARY KEY (poll_id, contact_id)
);
CREATE INDEX IF NOT EXISTS poll_votes_option ON poll_votes (poll_id, option_index);

-- An ideas window of a campaign: IDEA <text> submissions and votes while it is open
-- (closed_at null). Up to three idea votes per phone per window.
CREATE TABLE IF NOT EXISTS idea_windows (
  id TEXT PRIMARY KEY,
  campaign_id TEXT NOT NULL REFERENCES campaigns (id),
  sender TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  closed_at TEXT
);
CREATE INDEX IF NOT EXISTS idea_windows_campaign ON idea_windows (campaign_id, opened_at);

-- An idea: the text as moderated (text) and as sent (original_text). status: pending, flagged
-- (borderline words: a person decides), approved (gets number, per campaign), rejected (by a
-- person or the word list), merged (a duplicate: its votes moved to merged_into).
CREATE TABLE IF NOT EXISTS ideas (
  id TEXT PRIMARY KEY,
  campaign_id TEXT NOT NULL REFERENCES campaigns (id),
  window_id TEXT NOT NULL REFERENCES idea_windows (id),
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  number INTEGER,
  text TEXT NOT NULL,
  original_text TEXT NOT NULL,
  status TEXT NOT NULL,
  flag TEXT,
  merged_into TEXT,
  message_sid TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (campaign_id, number)
);
CREATE INDEX IF NOT EXISTS ideas_window ON ideas (window_id, status);

CREATE TABLE IF NOT EXISTS idea_votes (
  idea_id TEXT NOT NULL REFERENCES ideas (id),
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  window_id TEXT NOT NULL REFERENCES idea_windows (id),
  message_sid TEXT,
  voted_at TEXT NOT NULL,
  PRIMARY KEY (idea_id, contact_id)
);
CREATE INDEX IF NOT EXISTS idea_votes_voter ON idea_votes (window_id, contact_id);
`;

export const m0008: VersionedMigration = {
  name: '0008-polls-ideas',
  ddl(_engine: StoreEngine): string {
    return DDL;
  },
};
