-- rallytext schema. Portable between SQLite and PostgreSQL:
-- text ids, ISO-8601 UTC timestamps as text, money as integer cents, booleans as 0/1 integers,
-- JSON as text. Every statement is idempotent (IF NOT EXISTS) so start-up can apply it.

CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS contacts (
  id TEXT PRIMARY KEY,
  phone TEXT NOT NULL UNIQUE,                       -- E.164
  first_name TEXT,
  zip TEXT,
  email TEXT,
  fields TEXT NOT NULL DEFAULT '{}',                -- custom captured answers, JSON object
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'subscribed', 'opted_out')),
  undeliverable INTEGER NOT NULL DEFAULT 0 CHECK (undeliverable IN (0, 1)),
  is_test INTEGER NOT NULL DEFAULT 0 CHECK (is_test IN (0, 1)),
  from_state TEXT,                                  -- Twilio FromState, for quiet hours
  opted_out_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS contacts_status ON contacts (status);

CREATE TABLE IF NOT EXISTS campaigns (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  program_name TEXT NOT NULL,
  sender TEXT NOT NULL,                             -- "62262" or "+13125550100"
  frequency TEXT NOT NULL,
  support_contact TEXT NOT NULL,
  help_text TEXT,
  expiry_hours REAL NOT NULL DEFAULT 24,
  flow TEXT NOT NULL,                               -- flow definition, JSON (zod-validated)
  goal_cents INTEGER NOT NULL DEFAULT 0,            -- tonight's monthly pledge goal
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS campaigns_sender ON campaigns (sender, active);

CREATE TABLE IF NOT EXISTS keywords (
  campaign_id TEXT NOT NULL REFERENCES campaigns (id),
  sender TEXT NOT NULL,
  word TEXT NOT NULL,                               -- upper-case keyword form
  primary_word TEXT NOT NULL,                       -- equals word for a primary keyword, else the alias' keyword
  position INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  PRIMARY KEY (campaign_id, word)
);
-- A keyword belongs to one active campaign per sender.
CREATE UNIQUE INDEX IF NOT EXISTS keywords_sender_word ON keywords (sender, word) WHERE active = 1;

CREATE TABLE IF NOT EXISTS campaign_members (
  campaign_id TEXT NOT NULL REFERENCES campaigns (id),
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  keyword TEXT NOT NULL,
  joined_at TEXT NOT NULL,
  completed_at TEXT,
  PRIMARY KEY (campaign_id, contact_id)
);
CREATE INDEX IF NOT EXISTS campaign_members_contact ON campaign_members (contact_id);
CREATE INDEX IF NOT EXISTS campaign_members_joined ON campaign_members (campaign_id, joined_at);

CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  campaign_id TEXT NOT NULL REFERENCES campaigns (id),
  sender TEXT NOT NULL,
  keyword TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('waiting', 'completed', 'expired', 'interrupted')),
  step_index INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL DEFAULT '{}',                  -- captured answers so far, JSON
  started_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ended_at TEXT
);
-- At most one open conversation per contact and sender.
CREATE UNIQUE INDEX IF NOT EXISTS conversations_waiting ON conversations (contact_id, sender) WHERE status = 'waiting';

CREATE TABLE IF NOT EXISTS inbound_messages (
  id TEXT PRIMARY KEY,
  message_sid TEXT NOT NULL UNIQUE,                 -- Twilio MessageSid: replays dedupe here
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  campaign_id TEXT,
  sender TEXT NOT NULL,
  body TEXT NOT NULL,
  num_media INTEGER NOT NULL DEFAULT 0,
  handled_as TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS inbound_messages_contact ON inbound_messages (contact_id, received_at);

CREATE TABLE IF NOT EXISTS outbound_messages (
  id TEXT PRIMARY KEY,
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  campaign_id TEXT,
  inbound_id TEXT REFERENCES inbound_messages (id),   -- set for replies sent as TwiML
  position INTEGER NOT NULL DEFAULT 0,                -- order of replies to one inbound text
  kind TEXT NOT NULL CHECK (kind IN ('reply', 'broadcast', 'system')),
  purpose TEXT NOT NULL,
  body TEXT NOT NULL,
  segments INTEGER NOT NULL,
  -- twiml: sent in the webhook response; suppressed: refused by the opt-out gate (never sent)
  status TEXT NOT NULL,
  twilio_sid TEXT UNIQUE,
  error_code INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbound_messages_inbound ON outbound_messages (inbound_id, position);
CREATE INDEX IF NOT EXISTS outbound_messages_contact ON outbound_messages (contact_id, created_at);

-- Append-only consent ledger: evidence of every opt-in, opt-out and help request.
CREATE TABLE IF NOT EXISTS consent_events (
  id TEXT PRIMARY KEY,
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  phone TEXT NOT NULL,
  sender TEXT,
  campaign_id TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('opt_in', 'opt_out', 'help')),
  via TEXT NOT NULL CHECK (via IN ('keyword', 'twilio', 'web', 'import', 'carrier', 'admin')),
  keyword TEXT,
  message_sid TEXT,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS consent_events_contact ON consent_events (contact_id, at);

CREATE TABLE IF NOT EXISTS pledges (
  id TEXT PRIMARY KEY,
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  campaign_id TEXT NOT NULL REFERENCES campaigns (id),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  frequency TEXT NOT NULL CHECK (frequency IN ('monthly', 'once')),
  message_sid TEXT,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pledges_campaign ON pledges (campaign_id, at);
CREATE INDEX IF NOT EXISTS pledges_contact ON pledges (contact_id);

-- Every export, from the API or the CLI: which role, which filters, how many rows, when.
CREATE TABLE IF NOT EXISTS export_audit (
  id TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('admin', 'volunteer', 'cli')),
  export TEXT NOT NULL CHECK (export IN ('contacts', 'pledges', 'broadcast')),
  filters TEXT NOT NULL DEFAULT '{}',               -- the validated filters, JSON
  outcome TEXT NOT NULL CHECK (outcome IN ('running', 'completed', 'aborted', 'failed')),
  row_count INTEGER NOT NULL DEFAULT 0,
  client TEXT,                                      -- remote address (API) or "cli"
  started_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX IF NOT EXISTS export_audit_started ON export_audit (started_at);

-- Every applied contact import (dry runs are not recorded): evidence of who attested consent.
CREATE TABLE IF NOT EXISTS contact_imports (
  id TEXT PRIMARY KEY,
  source TEXT NOT NULL CHECK (source IN ('api', 'cli')),
  filename TEXT,
  campaign_id TEXT REFERENCES campaigns (id),
  consent TEXT NOT NULL CHECK (consent IN ('attested', 'none')),
  totals TEXT NOT NULL,                             -- counts by outcome, JSON
  created_at TEXT NOT NULL
);

-- ---------------------------------------------------------------------------------------------
-- Broadcasts: follow-up texts to a filtered audience, sent by the dispatcher through the outbox.

CREATE TABLE IF NOT EXISTS broadcasts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  template TEXT NOT NULL,                           -- merge fields checked at create: {{first_name|friend}}
  audience TEXT NOT NULL,                           -- filter, JSON (zod-validated, see src/broadcast/audience.ts)
  status TEXT NOT NULL
    CHECK (status IN ('draft', 'scheduled', 'sending', 'paused', 'done', 'canceled')),
  send_at TEXT,                                     -- when a scheduled broadcast starts
  footer INTEGER NOT NULL DEFAULT 1 CHECK (footer IN (0, 1)),   -- append BROADCAST_FOOTER ("Reply STOP to opt out")
  recipients INTEGER,                               -- snapshot size, set once the snapshot is complete
  snapshot_at TEXT,                                 -- when the recipient snapshot was completed
  last_error TEXT,                                  -- why the dispatcher paused it (account-level Twilio errors)
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);
CREATE INDEX IF NOT EXISTS broadcasts_status ON broadcasts (status, send_at);

-- One row per recipient, snapshotted when the broadcast starts. The row is the unit of work and
-- of crash safety: a dispatcher takes a row by setting status 'sending' with a lease (owner +
-- expiry) in the same transaction that writes the outbox row; a row left 'sending' by a dead
-- dispatcher is reconciled (looked up at Twilio), never blindly resent.
--   pending → sending → queued → sent → delivered | undelivered | failed       (Twilio's progress)
--   pending → opted_out | undeliverable      (refused at send time or by Twilio: 21610, 21211…)
--   sending → unknown → (looked up) queued… | pending (not found: safe to send) | unknown (reported)
--   pending → canceled                        (broadcast canceled before this row was sent)
CREATE TABLE IF NOT EXISTS broadcast_recipients (
  broadcast_id TEXT NOT NULL REFERENCES broadcasts (id),
  contact_id TEXT NOT NULL REFERENCES contacts (id),
  campaign_id TEXT NOT NULL REFERENCES campaigns (id),  -- whose sender and program name this text uses
  keyword TEXT,                                     -- the keyword the contact joined that campaign with
  seq INTEGER NOT NULL,                             -- send order within the broadcast
  time_zone TEXT NOT NULL DEFAULT '',               -- IANA zone for quiet hours ('' = unknown: strictest window)
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sending', 'queued', 'sent', 'delivered', 'undelivered', 'failed',
                      'opted_out', 'undeliverable', 'unknown', 'canceled')),
  outbound_id TEXT REFERENCES outbound_messages (id),
  twilio_sid TEXT UNIQUE,
  error_code INTEGER,
  segments INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  not_before TEXT,                                  -- pending: retry after (429); unknown: look up after
  lease_owner TEXT,                                 -- dispatcher holding the row while status = 'sending'
  lease_until TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  sent_at TEXT,
  UNIQUE (broadcast_id, contact_id)
);
-- Partial indexes: a row is in each only while it is in that state, so sending one text moves
-- few index entries (throughput), and the queue and the recovery scans stay small.
CREATE INDEX IF NOT EXISTS broadcast_recipients_pending ON broadcast_recipients (broadcast_id, seq) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS broadcast_recipients_in_flight ON broadcast_recipients (broadcast_id, lease_until) WHERE status = 'sending';
CREATE INDEX IF NOT EXISTS broadcast_recipients_unknown ON broadcast_recipients (broadcast_id, not_before) WHERE status = 'unknown';

-- Replies and system texts queued for the REST API (outbound_messages.status = 'queued') are sent
-- before bulk. While one is in flight its lease lives here, for the same crash safety as above.
CREATE TABLE IF NOT EXISTS outbox_leases (
  outbound_id TEXT PRIMARY KEY REFERENCES outbound_messages (id),
  lease_owner TEXT,
  lease_until TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  not_before TEXT
);
CREATE INDEX IF NOT EXISTS outbound_messages_queued ON outbound_messages (created_at) WHERE status = 'queued';

-- Delivery receipts: the latest status Twilio reported per message (POST /twilio/status), kept
-- even when the callback arrives before the send result is recorded, and merged in then.
CREATE TABLE IF NOT EXISTS message_receipts (
  message_sid TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  error_code INTEGER,
  callbacks INTEGER NOT NULL DEFAULT 1,
  first_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Organizer console sessions. The cookie carries a random id; only its SHA-256 is stored, with
-- the per-session CSRF token and a digest of the sign-in token (changing ADMIN_TOKEN or
-- VOLUNTEER_TOKEN ends the sessions it opened).
CREATE TABLE IF NOT EXISTS console_sessions (
  id_hash TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('admin', 'volunteer')),
  token_digest TEXT NOT NULL,
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS console_sessions_expires ON console_sessions (expires_at);

-- Live rally screen links: one unguessable token per campaign, no sign-in, aggregates only.
CREATE TABLE IF NOT EXISTS live_displays (
  campaign_id TEXT PRIMARY KEY REFERENCES campaigns (id),
  token TEXT NOT NULL UNIQUE,
  counting_from TEXT,                               -- "tonight" starts here; NULL = the last 12 hours
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- ---------------------------------------------------------------------------------------------
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

-- ---------------------------------------------------------------------------------------------
-- Contact imports, staged (issue 9, defect 8c). A real import is read, decided and staged here in
-- short transactions, then applied in short chunks. contact_import_runs is the import's commit
-- point: a run in state 'staging' has applied nothing (a failure or a restart discards it and its
-- staged rows); once it is 'applying' the import is decided and WILL be applied completely (each
-- chunk claims the next staged rows and advances next_seq in its own transaction; a failure or a
-- restart resumes where it stopped, and the last chunk writes the contact_imports record).
CREATE TABLE IF NOT EXISTS contact_import_runs (
  import_id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('staging', 'applying')),
  staged INTEGER NOT NULL DEFAULT 0,                -- rows staged so far (checked at the commit point)
  next_seq INTEGER NOT NULL DEFAULT 0,              -- first staged row not applied yet
  campaign_id TEXT REFERENCES campaigns (id),
  sender TEXT,                                      -- the campaign's sender, for consent events
  new_status TEXT NOT NULL CHECK (new_status IN ('pending', 'subscribed')),
  source TEXT NOT NULL CHECK (source IN ('api', 'cli')),
  filename TEXT,
  consent TEXT NOT NULL CHECK (consent IN ('attested', 'none')),
  totals TEXT NOT NULL DEFAULT '{}',                -- the report's counts, copied to contact_imports
  at TEXT NOT NULL                                  -- every row written carries this time
);
CREATE TABLE IF NOT EXISTS contact_import_staging (
  import_id TEXT NOT NULL,
  seq INTEGER NOT NULL,                             -- 0, 1, 2 … in apply order
  phone TEXT NOT NULL,                              -- E.164
  first_name TEXT,
  zip TEXT,
  email TEXT,
  new_id TEXT NOT NULL,                             -- the contact's id if the import creates it
  consent_id TEXT NOT NULL,                         -- the consent event's id if the import writes one
  PRIMARY KEY (import_id, seq)
);
