/**
 * 0014: a referral row is keyed by (contact_id, campaign_id), and referrals_contact goes. Every
 * completion of a campaign's flow issues a code (issue 13): one row, whose entries land at random
 * places in the key's index, referrals_code and referrals_contact (the table itself only appends:
 * its rowid grows). Keyed by the contact first, the key also serves every lookup by contact alone
 * (the exports' "referral_code", a contact's rows), so referrals_contact only repeated it. A
 * completion now writes one random index page fewer: bench:wal, 20,000 phones, 10.15 → 9.44 WAL
 * frames per completion. (WITHOUT ROWID was measured too and kept the rowid: its rows are as wide
 * as the table's and land at random, and every referrals_code entry then carries the whole key,
 * 9.93 frames.) Lookups by (campaign, contact), written either way round, and the upsert's
 * ON CONFLICT (campaign_id, contact_id) find the same key on both engines
 * (test/store/migration-0014.test.ts). docs/performance.md, session 24.
 */
import type { StoreEngine } from '../store';
import type { VersionedMigration } from './migration';

const COLUMNS = 'rowid, campaign_id, contact_id, code, recruited_by, recruited_at, page_token, goal, show_name, noticed_at, created_at, updated_at';

/** SQLite cannot change a table's key in place: the table is rebuilt, in the migration's transaction, rowids kept. */
const SQLITE = `
CREATE TABLE referrals_0014 (
  campaign_id TEXT NOT NULL,
  contact_id TEXT NOT NULL,
  code TEXT,
  recruited_by TEXT,
  recruited_at TEXT,
  page_token TEXT,
  goal INTEGER,
  show_name INTEGER NOT NULL DEFAULT 0,
  noticed_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (contact_id, campaign_id)
);
INSERT INTO referrals_0014 (${COLUMNS}) SELECT ${COLUMNS} FROM referrals;
DROP TABLE referrals;
ALTER TABLE referrals_0014 RENAME TO referrals;
CREATE UNIQUE INDEX referrals_code ON referrals (campaign_id, code);
CREATE UNIQUE INDEX referrals_page ON referrals (page_token) WHERE page_token IS NOT NULL;
CREATE INDEX referrals_recruiter ON referrals (campaign_id, recruited_by) WHERE recruited_by IS NOT NULL;
`;

/** PostgreSQL keeps its heap; the key is rebuilt in the new order (run twice, the same result). */
const POSTGRES = `
ALTER TABLE referrals DROP CONSTRAINT IF EXISTS referrals_pkey;
ALTER TABLE referrals ADD CONSTRAINT referrals_pkey PRIMARY KEY (contact_id, campaign_id);
DROP INDEX IF EXISTS referrals_contact;
`;

function ddl(engine: StoreEngine): string {
  return engine === 'postgres' ? POSTGRES : SQLITE;
}

export const m0014: VersionedMigration = { name: '0014-referrals-by-contact', ddl };
