/**
 * contacts.csv: one row per contact (test contacts never; opted-out ones only when an organizer
 * asks). With a campaign filter, joined_at, flow_completed and the pledge columns describe that
 * campaign; without one, the first campaign joined (or when the contact first texted), whether
 * any flow was completed, and the latest pledge.
 */
import type { CsvColumn } from './csv';
import type { KeysetQuery } from '../../export/keyset';

export const CONTACT_COLUMNS: readonly CsvColumn[] = [
  { name: 'phone', kind: 'phone' },
  { name: 'first_name', kind: 'text' },
  { name: 'zip', kind: 'text' },
  { name: 'email', kind: 'text' },
  { name: 'campaigns', kind: 'text' },
  { name: 'status', kind: 'data' },
  { name: 'joined_at', kind: 'data' },
  { name: 'opted_out_at', kind: 'data' },
  { name: 'pledge_amount', kind: 'data' },
  { name: 'pledge_frequency', kind: 'data' },
  { name: 'flow_completed', kind: 'data' },
];

export interface ContactScope {
  campaignId?: string;
  subscribed?: boolean;
  pledged?: boolean;
  since?: string;
  until?: string;
  includeOptedOut?: boolean;
}

export function contactsQuery(s: ContactScope): KeysetQuery {
  const params: Record<string, string | number> = {};
  const inCampaign = s.campaignId ? ' AND m.campaign_id = @campaign' : '';
  const pledgeInCampaign = s.campaignId ? ' AND p.campaign_id = @campaign' : '';
  if (s.campaignId) params.campaign = s.campaignId;

  const where = ['c.rowid > @after', 'c.is_test = 0'];
  if (!s.includeOptedOut) where.push("c.status <> 'opted_out'");
  if (s.subscribed) where.push("c.status = 'subscribed'");
  if (s.campaignId) where.push('EXISTS (SELECT 1 FROM campaign_members m WHERE m.contact_id = c.id AND m.campaign_id = @campaign)');
  if (s.pledged) where.push(`lp.amount_cents IS NOT NULL`);
  if (s.since) {
    where.push('joined_at >= @since');
    params.since = s.since;
  }
  if (s.until) {
    where.push('joined_at < @until');
    params.until = s.until;
  }

  const sql = `SELECT c.rowid AS k, c.phone, c.first_name, c.zip, c.email,
  (SELECT group_concat(name, '; ') FROM (
     SELECT ca.name FROM campaign_members m JOIN campaigns ca ON ca.id = m.campaign_id
     WHERE m.contact_id = c.id ORDER BY m.joined_at, ca.name)) AS campaigns,
  c.status,
  coalesce((SELECT min(m.joined_at) FROM campaign_members m WHERE m.contact_id = c.id${inCampaign}), c.created_at) AS joined_at,
  c.opted_out_at,
  CASE WHEN lp.amount_cents IS NULL THEN NULL ELSE printf('%d.%02d', lp.amount_cents / 100, lp.amount_cents % 100) END AS pledge_amount,
  lp.frequency AS pledge_frequency,
  CASE WHEN EXISTS (SELECT 1 FROM campaign_members m WHERE m.contact_id = c.id${inCampaign} AND m.completed_at IS NOT NULL)
    THEN 'yes' ELSE 'no' END AS flow_completed
FROM contacts c
LEFT JOIN pledges lp ON lp.rowid = (
  SELECT p.rowid FROM pledges p WHERE p.contact_id = c.id${pledgeInCampaign} ORDER BY p.at DESC, p.rowid DESC LIMIT 1)
WHERE ${where.join('\n  AND ')}
ORDER BY c.rowid
LIMIT @limit`;
  return { sql, params, columns: CONTACT_COLUMNS };
}
