/**
 * 0001: the schema as schema.sql last had it (the day migrations began). Every statement is
 * CREATE … IF NOT EXISTS, so a database created by that schema.sql upgrades in place: on it this
 * migration changes nothing and is only recorded as applied.
 *
 * Per engine: a floating-point column is REAL on SQLite, DOUBLE PRECISION on PostgreSQL; and on
 * PostgreSQL the tables whose insertion order is read (export paging, the latest pledge, a
 * contact's history in order) get a `rowid` identity column, which SQLite has built in.
 */
import type { StoreEngine } from '../store';
import type { VersionedMigration } from './migration';

function ddl(engine: StoreEngine): string {
  const t = { real: engine === 'postgres' ? 'DOUBLE PRECISION' : 'REAL' };
  const schema = `
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
  expiry_hours ${t.real} NOT NULL DEFAULT 24,
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
`;
  if (engine === 'sqlite') return schema;
  // ADD COLUMN IF NOT EXISTS also numbers the rows of a PostgreSQL database made by schema.sql.
  const rowid = (table: string) => `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS rowid BIGINT GENERATED BY DEFAULT AS IDENTITY UNIQUE;`;
  return [schema, ...['contacts', 'conversations', 'pledges', 'consent_events', 'inbound_messages', 'outbound_messages', 'broadcast_recipients'].map(rowid)].join('\n');
}

export const m0001: VersionedMigration = { name: '0001-initial', ddl };
