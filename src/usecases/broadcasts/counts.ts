/**
 * Broadcast status counts for organizers: where every recipient is. `waiting` are recipients not
 * sent yet because it is outside quiet hours where they live; `pending` are the rest not sent yet.
 */
import type { RecipientStatus } from '../../store/broadcasts/repository';
import type { Store } from '../../store/store';
import { isOpen, type SendWindow } from '../../core/quiet-hours';

export interface BroadcastCounts {
  total: number;
  pending: number;
  waiting: number;
  sending: number;
  queued: number;
  sent: number;
  delivered: number;
  undelivered: number;
  failed: number;
  optedOut: number;
  undeliverable: number;
  unknown: number;
  canceled: number;
  /** Error codes reported (REST errors and carrier 30xxx codes) and how many recipients got each. */
  errors: Record<string, number>;
}

const KEY: Record<RecipientStatus, keyof Omit<BroadcastCounts, 'total' | 'waiting' | 'errors'>> = {
  pending: 'pending', sending: 'sending', queued: 'queued', sent: 'sent', delivered: 'delivered', undelivered: 'undelivered',
  failed: 'failed', opted_out: 'optedOut', undeliverable: 'undeliverable', unknown: 'unknown', canceled: 'canceled',
};

export function emptyCounts(): BroadcastCounts {
  return {
    total: 0, pending: 0, waiting: 0, sending: 0, queued: 0, sent: 0, delivered: 0, undelivered: 0, failed: 0,
    optedOut: 0, undeliverable: 0, unknown: 0, canceled: 0, errors: {},
  };
}

export async function broadcastCounts(store: Store, broadcastId: string, window: SendWindow | null, at: Date): Promise<BroadcastCounts> {
  const c = emptyCounts();
  const rows = await store.broadcasts.recipientCounts(broadcastId);
  for (const r of rows.byStatus) {
    c.total += r.n;
    if (r.status === 'pending' && !isOpen(window, r.timeZone, at)) c.waiting += r.n;
    else c[KEY[r.status]] += r.n;
  }
  for (const e of rows.errors) c.errors[String(e.code)] = e.n;
  return c;
}
