/** pledges.csv: one row per pledge, oldest first, with the contact and campaign it belongs to. */
import type { ContactScope } from './contacts';
import type { CsvColumn } from './csv';
import type { KeysetQuery } from '../../export/keyset';

export const PLEDGE_COLUMNS: readonly CsvColumn[] = [
  { name: 'phone', kind: 'phone' },
  { name: 'first_name', kind: 'text' },
  { name: 'zip', kind: 'text' },
  { name: 'email', kind: 'text' },
  { name: 'campaign', kind: 'text' },
  { name: 'pledge_amount', kind: 'data' },
  { name: 'pledge_frequency', kind: 'data' },
  { name: 'pledged_at', kind: 'data' },
  { name: 'status', kind: 'data' },
];

/** The contacts export's scope, less `pledged` (every row here is a pledge). */
export type PledgeScope = Omit<ContactScope, 'pledged'>;

export function pledgesQuery(s: PledgeScope): KeysetQuery {
  const params: Record<string, string | number> = {};
  const where = ['p.rowid > @after', 'c.is_test = 0'];
  if (!s.includeOptedOut) where.push("c.status <> 'opted_out'");
  if (s.subscribed) where.push("c.status = 'subscribed'");
  if (s.campaignId) {
    where.push('p.campaign_id = @campaign');
    params.campaign = s.campaignId;
  }
  if (s.since) {
    where.push('p.at >= @since');
    params.since = s.since;
  }
  if (s.until) {
    where.push('p.at < @until');
    params.until = s.until;
  }
  const sql = `SELECT p.rowid AS k, c.phone, c.first_name, c.zip, c.email, ca.name AS campaign,
  printf('%d.%02d', p.amount_cents / 100, p.amount_cents % 100) AS pledge_amount,
  p.frequency AS pledge_frequency, p.at AS pledged_at, c.status
FROM pledges p
JOIN contacts c ON c.id = p.contact_id
JOIN campaigns ca ON ca.id = p.campaign_id
WHERE ${where.join('\n  AND ')}
ORDER BY p.rowid
LIMIT @limit`;
  return { sql, params, columns: PLEDGE_COLUMNS };
}
