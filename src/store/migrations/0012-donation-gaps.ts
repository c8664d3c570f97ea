/**
 * 0012: what issue 14's follow-up needs of the schema, one migration for both engines:
 * - reconciliation matches a payment by email (`lower(c.email) = ?`, store/pledges): an index on
 *   that expression, so a webhook or a CSV row without refcode or phone does not scan every contact
 *   (contacts are global, not per campaign: the pledge found through the contact names the campaign);
 * - a broadcast's {{donation_link}} is one tracked link per broadcast and recipient: the broadcast's
 *   index on tracked_links becomes (broadcast_id, contact_id), which still serves the per-broadcast
 *   reads and makes a retried recipient's link a direct lookup.
 * Idempotent on both engines (IF [NOT] EXISTS): PostgreSQL's history is re-runnable.
 */
import type { StoreEngine } from '../store';
import type { VersionedMigration } from './migration';

function ddl(_engine: StoreEngine): string {
  return `
CREATE INDEX IF NOT EXISTS contacts_email_lower ON contacts (lower(email));
DROP INDEX IF EXISTS tracked_links_broadcast;
CREATE INDEX IF NOT EXISTS tracked_links_broadcast_contact ON tracked_links (broadcast_id, contact_id);
`;
}

export const m0012: VersionedMigration = { name: '0012-donation-gaps', ddl };
