/**
 * 0003: The inbox (issue 11): threads, who wrote each reply, canned responses, campaign auto-replies.
 * Folded in from the block main appended to schema.sql, word for word: every statement is
 * CREATE … IF NOT EXISTS, so a database created by that schema.sql upgrades in place (this
 * migration finds its tables and is only recorded as applied). The DDL is portable as written:
 * the same script on both engines.
 */
import type { StoreEngine } from '../store';
import type { VersionedMigration } from './migration';

const DDL = `
-- Inbox (issue 11): a text no flow or keyword claims, from a known number, is a conversation item
-- for people. The messages themselves stay where they are (inbound_messages, outbound_messages);
-- a thread is one row per contact with what the list shows. Written only for unclaimed texts
-- and by people acting in the inbox, never on a JOIN or a flow answer.
CREATE TABLE IF NOT EXISTS inbox_threads (
  contact_id TEXT PRIMARY KEY REFERENCES contacts (id),
  campaign_id TEXT,                                 -- campaign of the latest unclaimed text (filter)
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  unread INTEGER NOT NULL DEFAULT 0,                -- supporter texts since someone last read the thread
  first_unread_at TEXT,                             -- the oldest unread text ("next" takes the oldest)
  last_text TEXT NOT NULL,
  last_at TEXT NOT NULL,
  assignee TEXT,                                    -- actor id: token:admin, token:volunteer, user:<id>
  last_auto_reply_at TEXT,                          -- at most one auto-reply per 24 h per number
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_threads_recent ON inbox_threads (status, last_at);
CREATE INDEX IF NOT EXISTS inbox_threads_assignee ON inbox_threads (assignee, status, first_unread_at);

-- Who wrote each reply sent from the inbox (the text itself is its outbound_messages row).
CREATE TABLE IF NOT EXISTS inbox_replies (
  outbound_id TEXT PRIMARY KEY REFERENCES outbound_messages (id),
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  author TEXT NOT NULL,                             -- actor id
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_replies_contact ON inbox_replies (contact_id);

-- Organizer-defined answers for the reply box, with merge fields ({{first_name|friend}}).
CREATE TABLE IF NOT EXISTS canned_responses (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- A campaign's auto-reply to unclaimed texts; no row: on, with the default text.
CREATE TABLE IF NOT EXISTS campaign_auto_replies (
  campaign_id TEXT PRIMARY KEY REFERENCES campaigns (id),
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  body TEXT,                                        -- NULL: the default text
  updated_at TEXT NOT NULL
);
`;

export const m0003: VersionedMigration = { name: '0003-inbox', ddl: (_engine: StoreEngine) => DDL };
