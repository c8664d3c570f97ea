/** Per-campaign totals for the console's campaign list (test numbers never count). */
import type { SqliteDb } from './sqlite/db';

export interface CampaignCounts {
  joined: number;
  completed: number;
  optedOut: number;
}

const SQL =
  "SELECT m.campaign_id AS id, count(*) AS joined, count(m.completed_at) AS completed, sum(c.status = 'opted_out') AS opted_out " +
  'FROM campaign_members m JOIN contacts c ON c.id = m.contact_id WHERE c.is_test = 0 GROUP BY m.campaign_id';

export function campaignCounts(store: SqliteDb): Map<string, CampaignCounts> {
  const rows = store.prepare(SQL).all() as { id: string; joined: number; completed: number; opted_out: number }[];
  return new Map(rows.map((r) => [r.id, { joined: r.joined, completed: r.completed, optedOut: Number(r.opted_out) }]));
}
