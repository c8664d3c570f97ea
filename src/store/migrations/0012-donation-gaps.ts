/**
 * 0012: what issue 14's follow-up needs of the schema, one migration for both engines:
 * - reconciliation matches a payment by email (`lower(c.email) = ?`, store/pledges): an index on
 *   that expression, so a webhook or a CSV row without refcode or phone does not scan every contact
 *   (contacts are global, not per campaign: the pledge found through the contact names the campaign);
 * - a broadcast's {{donation_link}} is one tracked link per broadcast and recipient: the broadcast's
 *   index on tracked_links becomes (broadcast_id, contact_id), which still serves the per-broadcast
 *   reads and makes a retried recipient's link a direct lookup;
 * - sequences timed from a contact's date field (`trigger: "date"`, `field`): the trigger's CHECK
 *   admits 'date' and the field gets a column. PostgreSQL swaps the named constraint; SQLite cannot
 *   alter a CHECK, so it rebuilds the (small) table the documented way (create, copy, drop, rename).
 * - a sequence's step that asks (`{ after, flow }`) opens a conversation as a broadcast that asks
 *   does: sequence_conversations says which step opened it, with the flow as sent.
 * PostgreSQL's history is re-runnable (IF [NOT] EXISTS throughout); SQLite applies this once.
 */
import type { StoreEngine } from '../store';
import type { VersionedMigration } from './migration';

const TRIGGERS = "'joined', 'completed', 'pledged', 'date'";

function ddl(engine: StoreEngine): string {
  const sequences = engine === 'postgres'
    ? `
ALTER TABLE sequences ADD COLUMN IF NOT EXISTS date_field TEXT;
ALTER TABLE sequences DROP CONSTRAINT IF EXISTS sequences_trigger_event_check;
ALTER TABLE sequences ADD CONSTRAINT sequences_trigger_event_check CHECK (trigger_event IN (${TRIGGERS}));`
    : `
CREATE TABLE sequences_0012 (
  id TEXT PRIMARY KEY,
  campaign_id TEXT NOT NULL REFERENCES campaigns (id),
  name TEXT NOT NULL,
  trigger_event TEXT NOT NULL CHECK (trigger_event IN (${TRIGGERS})),
  date_field TEXT,
  steps TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO sequences_0012 (id, campaign_id, name, trigger_event, date_field, steps, active, created_at, updated_at)
  SELECT id, campaign_id, name, trigger_event, NULL, steps, active, created_at, updated_at FROM sequences;
DROP TABLE sequences;
ALTER TABLE sequences_0012 RENAME TO sequences;`;
  return `
CREATE INDEX IF NOT EXISTS contacts_email_lower ON contacts (lower(email));
DROP INDEX IF EXISTS tracked_links_broadcast;
CREATE INDEX IF NOT EXISTS tracked_links_broadcast_contact ON tracked_links (broadcast_id, contact_id);
${sequences}
CREATE INDEX IF NOT EXISTS sequences_campaign ON sequences (campaign_id, trigger_event);
CREATE TABLE IF NOT EXISTS sequence_conversations (
  conversation_id TEXT PRIMARY KEY REFERENCES conversations (id),
  sequence_id TEXT NOT NULL,
  step_index INTEGER NOT NULL,
  contact_id TEXT NOT NULL,
  flow TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`;
}

export const m0012: VersionedMigration = { name: '0012-donation-gaps', ddl };
