/**
 * Broadcast status counts for organizers: where every recipient is. `waiting` are recipients not
 * sent yet because it is outside quiet hours where they live; `pending` are the rest not sent yet.
 */
import type { RecipientStatus } from '../../store/database';
import type { SqliteDb } from '../../store/sqlite/db';
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

const BY_STATUS_SQL =
  'SELECT status, time_zone, count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? GROUP BY status, time_zone';
const ERRORS_SQL =
  'SELECT error_code, count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? AND error_code IS NOT NULL GROUP BY error_code';

export function emptyCounts(): BroadcastCounts {
  return {
    total: 0, pending: 0, waiting: 0, sending: 0, queued: 0, sent: 0, delivered: 0, undelivered: 0, failed: 0,
    optedOut: 0, undeliverable: 0, unknown: 0, canceled: 0, errors: {},
  };
}

export function broadcastCounts(store: SqliteDb, broadcastId: string, window: SendWindow | null, at: Date): BroadcastCounts {
  const c = emptyCounts();
  const rows = store.prepare(BY_STATUS_SQL).all(broadcastId) as { status: RecipientStatus; time_zone: string; n: number }[];
  for (const r of rows) {
    c.total += r.n;
    if (r.status === 'pending' && !isOpen(window, r.time_zone, at)) c.waiting += r.n;
    else c[KEY[r.status]] += r.n;
  }
  for (const e of store.prepare(ERRORS_SQL).all(broadcastId) as { error_code: number; n: number }[]) c.errors[String(e.error_code)] = e.n;
  return c;
}
