/**
 * The rehearsal simulator's side of the database: its phone numbers are contacts flagged
 * is_test = 1 (kept out of counts, exports, broadcasts and the live screen), and its
 * conversation log is read back from the same inbound and outbound rows the webhook wrote.
 */
import { randomInt } from 'node:crypto';
import type { IdGenerator } from '../../core/clock';
import type { SqliteDb } from '../sqlite/db';

const AREA_CODES = ['202', '212', '213', '305', '312', '415', '503', '617', '702', '808'];

/** A fictional number (NXX-555-01XX, reserved for fiction) for a new rehearsal. */
export function randomTestNumber(): string {
  return `+1${AREA_CODES[randomInt(AREA_CODES.length)]}55501${String(randomInt(100)).padStart(2, '0')}`;
}

/**
 * Flags the number as a test contact before the simulator texts from it. Refuses a number that
 * already belongs to a real supporter: rehearsing as them would hide them from every count.
 */
export function claimTestNumber(store: SqliteDb, phone: string, newId: IdGenerator, now: Date): 'ok' | 'real_contact' {
  const at = now.toISOString();
  return store.tx(() => {
    store
      .prepare(
        "INSERT INTO contacts (id, phone, status, is_test, created_at, updated_at) VALUES (?, ?, 'pending', 1, ?, ?) ON CONFLICT (phone) DO NOTHING",
      )
      .run(newId(), phone, at, at);
    const row = store.prepare('SELECT is_test FROM contacts WHERE phone = ?').get(phone) as { is_test: number };
    return row.is_test === 1 ? 'ok' : 'real_contact';
  });
}

export interface Bubble {
  /** me: the simulated phone; them: the gateway's reply. */
  from: 'me' | 'them';
  body: string;
  /** A reply the opt-out gate refused (never sent to a real phone). */
  suppressed: boolean;
  at: string;
}

const LOG_SQL =
  'SELECT i.id, i.body, i.received_at FROM inbound_messages i JOIN contacts c ON c.id = i.contact_id ' +
  'WHERE c.phone = ? AND c.is_test = 1 AND i.sender = ? ORDER BY i.rowid DESC LIMIT ?';
const REPLIES_SQL = "SELECT body, status, created_at FROM outbound_messages WHERE inbound_id = ? ORDER BY position";

/** The last `limit` texts between a test number and a sender, oldest first, with their replies. */
export function rehearsalLog(store: SqliteDb, phone: string, sender: string, limit = 60): Bubble[] {
  const inbound = (store.prepare(LOG_SQL).all(phone, sender, limit) as { id: string; body: string; received_at: string }[]).reverse();
  const out: Bubble[] = [];
  for (const i of inbound) {
    out.push({ from: 'me', body: i.body, suppressed: false, at: i.received_at });
    for (const r of store.prepare(REPLIES_SQL).all(i.id) as { body: string; status: string; created_at: string }[]) {
      out.push({ from: 'them', body: r.body, suppressed: r.status === 'suppressed', at: r.created_at });
    }
  }
  return out;
}
