/** Broadcast repository: the broadcasts table and status transitions guarded by the current status. */
import type { IdGenerator } from '../../core/clock';
import { AppError } from '../../shared/errors';
import type { Broadcast, BroadcastStatus, BroadcastsTable } from '../database';
import type { SqliteDb } from '../sqlite/db';
import type { Updateable } from 'kysely';

export interface NewBroadcast {
  name: string;
  template: string;
  audienceJson: string;
  footer: boolean;
  sendAt: string | null;
}

export function insertBroadcast(store: SqliteDb, b: NewBroadcast, newId: IdGenerator, now: string): Broadcast {
  const id = newId();
  store.run(
    store.db.insertInto('broadcasts').values({
      id, name: b.name, template: b.template, audience: b.audienceJson, footer: b.footer ? 1 : 0, send_at: b.sendAt,
      status: b.sendAt ? 'scheduled' : 'draft', created_at: now, updated_at: now,
    }),
  );
  return getBroadcastRow(store, id);
}

export function findBroadcastRow(store: SqliteDb, id: string): Broadcast | undefined {
  return store.first(store.db.selectFrom('broadcasts').selectAll().where('id', '=', id));
}

export function getBroadcastRow(store: SqliteDb, id: string): Broadcast {
  const row = findBroadcastRow(store, id);
  if (!row) throw new AppError('not_found', `broadcast ${id} not found`);
  return row;
}

export function listBroadcastRows(store: SqliteDb, limit = 200): Broadcast[] {
  return store.all(store.db.selectFrom('broadcasts').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit));
}

/**
 * Move a broadcast to `to` when it is in one of `from`; 409 otherwise. Runs in the caller's
 * transaction (or its own statement), so two organizers clicking at once cannot both win.
 */
export function transitionBroadcast(
  store: SqliteDb, id: string, from: readonly BroadcastStatus[], to: BroadcastStatus, set: Updateable<BroadcastsTable>, now: string,
): Broadcast {
  const changed = store.run(
    store.db.updateTable('broadcasts').set({ ...set, status: to, updated_at: now }).where('id', '=', id).where('status', 'in', [...from]),
  );
  if (changed === 0) {
    const row = getBroadcastRow(store, id);
    throw new AppError('conflict', `broadcast is ${row.status}; it must be ${from.join(' or ')} to become ${to}`);
  }
  return getBroadcastRow(store, id);
}

export function broadcastsWithStatus(store: SqliteDb, status: BroadcastStatus): Broadcast[] {
  return store.all(store.db.selectFrom('broadcasts').selectAll().where('status', '=', status).orderBy('started_at').orderBy('created_at').orderBy('id'));
}

export function dueScheduled(store: SqliteDb, now: string): Broadcast[] {
  return store.all(
    store.db.selectFrom('broadcasts').selectAll().where('status', '=', 'scheduled').where('send_at', '<=', now).orderBy('send_at').orderBy('id'),
  );
}
