/**
 * The live screen's numbers for one campaign, all aggregates: people who joined since "tonight"
 * began, sign-ups completed since then, and the monthly pledges made since then (each person's
 * latest monthly pledge, so a re-pledge replaces rather than doubles). Test numbers (the
 * rehearsal simulator's) never count. Nothing here can carry a name or a phone number.
 */
import { displayForCampaign } from '../store/live-displays';
import type { SqliteDb } from '../store/sqlite/db';

export const ROLLING_WINDOW_HOURS = 12;

export interface LiveStats {
  joined: number;
  completed: number;
  pledgedCents: number;
  goalCents: number;
  /** ISO instant the counts start from. */
  since: string;
}

/** Where "tonight" starts: the organizer's chosen moment, else the last 12 hours. */
export function windowStart(countingFrom: string | null, now: Date): string {
  return countingFrom ?? new Date(now.getTime() - ROLLING_WINDOW_HOURS * 3_600_000).toISOString();
}

const SQL = {
  joined:
    'SELECT count(*) AS n FROM campaign_members m JOIN contacts c ON c.id = m.contact_id ' +
    'WHERE m.campaign_id = ? AND m.joined_at >= ? AND c.is_test = 0',
  completed:
    'SELECT count(*) AS n FROM campaign_members m JOIN contacts c ON c.id = m.contact_id ' +
    'WHERE m.campaign_id = ? AND m.completed_at >= ? AND c.is_test = 0',
  pledged:
    'SELECT coalesce(sum(p.amount_cents), 0) AS n FROM pledges p JOIN contacts c ON c.id = p.contact_id ' +
    "WHERE p.campaign_id = ? AND p.frequency = 'monthly' AND p.at >= ? AND c.is_test = 0 AND NOT EXISTS (" +
    "SELECT 1 FROM pledges q WHERE q.contact_id = p.contact_id AND q.campaign_id = p.campaign_id AND q.frequency = 'monthly' " +
    'AND q.at >= ? AND q.rowid > p.rowid)',
  goal: 'SELECT goal_cents FROM campaigns WHERE id = ?',
} as const;

/** The numbers, or null when the campaign does not exist. */
export function liveStats(store: SqliteDb, campaignId: string, since: string): LiveStats | null {
  const goal = store.prepare(SQL.goal).get(campaignId) as { goal_cents: number } | undefined;
  if (!goal) return null;
  const n = (sql: string, ...args: unknown[]) => Number((store.prepare(sql).get(...args) as { n: number }).n);
  return {
    joined: n(SQL.joined, campaignId, since),
    completed: n(SQL.completed, campaignId, since),
    pledgedCents: n(SQL.pledged, campaignId, since, since),
    goalCents: goal.goal_cents,
    since,
  };
}

/** The numbers a campaign's screen shows now, with its display's "tonight" setting. */
export function statsNow(store: SqliteDb, campaignId: string, now: Date): LiveStats | null {
  const display = displayForCampaign(store, campaignId);
  return liveStats(store, campaignId, windowStart(display?.countingFrom ?? null, now));
}
