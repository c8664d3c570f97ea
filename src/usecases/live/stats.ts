/**
 * The live screen's numbers for one campaign now: the store's aggregates counted from where
 * "tonight" starts (the organizer's chosen moment, else the last 12 hours).
 */
import type { LiveStats } from '../../store/live/repository';
import type { Store } from '../../store/store';

export type { LiveStats };

export const ROLLING_WINDOW_HOURS = 12;

/** Where "tonight" starts: the organizer's chosen moment, else the last 12 hours. */
export function windowStart(countingFrom: string | null, now: Date): string {
  return countingFrom ?? new Date(now.getTime() - ROLLING_WINDOW_HOURS * 3_600_000).toISOString();
}

/** The numbers a campaign's screen shows now, with its display's "tonight" setting; null: no such campaign. */
export async function statsNow(store: Store, campaignId: string, now: Date): Promise<LiveStats | null> {
  const display = await store.live.display(campaignId);
  return store.live.stats(campaignId, windowStart(display?.countingFrom ?? null, now));
}
