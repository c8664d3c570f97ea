/**
 * 0013: contacts_email_lower (0012, reconciliation by email) holds only the contacts that have an
 * email. As a full index it also held an entry for every contact without one: every JOIN of a new
 * number inserted a NULL entry, and the flow's email answer then deleted that entry and inserted
 * the real one, two index pages dirtied where one is needed. The lookup it serves,
 * `lower(c.email) = ?` (store/pledges), implies its condition on both engines (SQLite: a
 * comparison on the indexed expression; PostgreSQL: a strict operator over it), so the plan is
 * unchanged (test/pledges/matching-plans.test.ts). Measured in docs/performance.md (session 23).
 */
import type { VersionedMigration } from './migration';

function ddl(): string {
  return `
DROP INDEX IF EXISTS contacts_email_lower;
CREATE INDEX IF NOT EXISTS contacts_email_lower ON contacts (lower(email)) WHERE lower(email) IS NOT NULL;
`;
}

export const m0013: VersionedMigration = { name: '0013-email-index-partial', ddl };
