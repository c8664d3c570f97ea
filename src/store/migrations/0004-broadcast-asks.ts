/**
 * 0004: Broadcasts that ask (issue 11): a broadcast's flow, the conversations it opened, the answers.
 * Folded in from the block main appended to schema.sql, word for word: every statement is
 * CREATE … IF NOT EXISTS, so a database created by that schema.sql upgrades in place (this
 * migration finds its tables and is only recorded as applied). The DDL is portable as written:
 * the same script on both engines.
 */
import type { StoreEngine } from '../store';
import type { VersionedMigration } from './migration';

const DDL = `
-- Broadcasts that ask (issue 11): a broadcast may carry a flow; each recipient the text is sent
-- to gets a conversation on it, and answers are counted per broadcast. Three new tables, no new
-- columns on existing ones.

-- The flow of a broadcast that asks (its first step's prompt is also broadcasts.template).
CREATE TABLE IF NOT EXISTS broadcast_flows (
  broadcast_id TEXT PRIMARY KEY REFERENCES broadcasts (id),
  flow TEXT NOT NULL,                               -- flow definition, JSON (zod-validated, src/core/broadcast-flow.ts)
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Which conversations a broadcast opened: one per recipient, written when the text is accepted
-- by Twilio (queued/sent), never for a recipient skipped, refused or failed.
CREATE TABLE IF NOT EXISTS broadcast_conversations (
  conversation_id TEXT PRIMARY KEY REFERENCES conversations (id),
  broadcast_id TEXT NOT NULL REFERENCES broadcasts (id),
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  created_at TEXT NOT NULL,
  UNIQUE (broadcast_id, contact_id)
);

-- The latest answer of each recipient to each step of a broadcast's flow (a re-answer replaces it).
CREATE TABLE IF NOT EXISTS broadcast_answers (
  broadcast_id TEXT NOT NULL REFERENCES broadcasts (id),
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  step_id TEXT NOT NULL,
  value TEXT NOT NULL,                              -- as branches name it: "yes", "no", a choice's value, the text
  message_sid TEXT,
  answered_at TEXT NOT NULL,
  PRIMARY KEY (broadcast_id, contact_id, step_id)
);
CREATE INDEX IF NOT EXISTS broadcast_answers_counts ON broadcast_answers (broadcast_id, step_id, value);
`;

export const m0004: VersionedMigration = { name: '0004-broadcast-asks', ddl: (_engine: StoreEngine) => DDL };
