/**
 * 0002: People accounts, one-time invites, session owners and the audit log (issue 11).
 * Folded in from the block main appended to schema.sql, word for word: every statement is
 * CREATE … IF NOT EXISTS, so a database created by that schema.sql upgrades in place (this
 * migration finds its tables and is only recorded as applied). The DDL is portable as written:
 * the same script on both engines.
 */
import type { StoreEngine } from '../store';
import type { VersionedMigration } from './migration';

const DDL = `
-- People accounts and the audit log (issue 11: people, not shared tokens; who did what).
-- Roles keep their internal names: 'admin' is what the console, CLI and API call an organizer.
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,                       -- trimmed and lower-cased
  name TEXT,                                        -- set by the person when they accept the invite
  role TEXT NOT NULL CHECK (role IN ('admin', 'volunteer')),
  status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'disabled')),
  password_hash TEXT,                               -- scrypt$N$r$p$salt$hash (params kept with the hash)
  invited_by TEXT,                                  -- actor id of whoever sent the latest invite
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- One-time invite links: only the SHA-256 of the link's token is stored.
CREATE TABLE IF NOT EXISTS user_invites (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX IF NOT EXISTS user_invites_user ON user_invites (user_id);

-- Which person a console session belongs to (token sessions have no row here). Deleting the
-- session deletes the link; disabling a person or setting their password deletes their sessions.
CREATE TABLE IF NOT EXISTS session_users (
  session_id_hash TEXT PRIMARY KEY REFERENCES console_sessions (id_hash) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS session_users_user ON session_users (user_id);

-- Who did what, append-only, newest first by seq (assigned as MAX(seq) + 1 in the insert).
CREATE TABLE IF NOT EXISTS audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL,                           -- user:<id>, token:admin, token:volunteer, cli
  actor_name TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  action TEXT NOT NULL,                             -- one of AUDIT_ACTIONS (src/usecases/audit/actions.ts)
  target_type TEXT,
  target_id TEXT,
  details TEXT NOT NULL                             -- JSON object
);
`;

export const m0002: VersionedMigration = { name: '0002-people-audit', ddl: (_engine: StoreEngine) => DDL };
