/**
 * The outbox gate run at once on SQLite, for tests that queue a text inside their own synchronous
 * setup (the gate itself, engine-neutral, is gate.ts).
 */
import type { IdGenerator } from '../../core/clock';
import type { SqliteDb } from '../sqlite/db';
import { enqueueOutboundWork, type Enqueued, type OutboundDraft } from './gate';

export { OUTBOX_QUERIES } from './gate';

/** `enqueueOutboundWork` run at once on SQLite (inside the caller's synchronous transaction). */
export function enqueueOutbound(store: SqliteDb, draft: OutboundDraft, newId: IdGenerator, now: string): Enqueued {
  return store.drive(enqueueOutboundWork(draft, newId, now));
}
