/**
 * The sequences' scheduler, run by the dispatcher in its housekeeping: claim the schedule rows
 * that are due, in batches, each batch one transaction that writes the messages to the outbox
 * (through the opt-out gate). The dispatcher then sends them in its reply lane, under the same
 * rate limit as broadcasts, with the same crash recovery. Bounded per call so a backlog of
 * 100,000 due rows cannot starve broadcasts: the rest waits for the next housekeeping.
 */
import type { IdGenerator } from '../../core/clock';
import type { SendWindow } from '../../core/quiet-hours';
import type { DueReport } from '../../store/sequences/repository';
import type { Store } from '../../store/store';

export interface SchedulerRun {
  now: Date;
  window: SendWindow | null;
  footer: string | null;
  linkBase: string;
  newId: IdGenerator;
  /** Rows per transaction. */
  batch?: number;
  /** Batches per call. */
  maxBatches?: number;
}

export async function runDueSequences(store: Pick<Store, 'sequences'>, r: SchedulerRun): Promise<DueReport> {
  const total: DueReport = { claimed: 0, queued: 0, skipped: 0, deferred: 0 };
  const batch = r.batch ?? 500;
  for (let i = 0; i < (r.maxBatches ?? 20); i++) {
    const one = await store.sequences.runDue({ now: r.now, limit: batch, window: r.window, footer: r.footer, linkBase: r.linkBase, newId: r.newId });
    total.claimed += one.claimed;
    total.queued += one.queued;
    total.skipped += one.skipped;
    total.deferred += one.deferred;
    if (one.claimed < batch) break;
  }
  return total;
}
