/**
 * broadcasts/:id.csv: the delivery report of one broadcast, one row per recipient in snapshot
 * order, with the recipient row's delivery status, Twilio error (explained) and the time of its
 * last status change.
 */
import { AppError } from '../../shared/errors';
import type { SqliteDb } from '../../store/sqlite/db';
import type { CsvColumn } from './csv';
import type { KeysetQuery } from '../../export/keyset';

export const BROADCAST_COLUMNS: readonly CsvColumn[] = [
  { name: 'phone', kind: 'phone' },
  { name: 'first_name', kind: 'text' },
  { name: 'zip', kind: 'text' },
  { name: 'delivery_status', kind: 'data' },
  { name: 'error_code', kind: 'data' },
  { name: 'error', kind: 'data' },
  { name: 'twilio_sid', kind: 'data' },
  { name: 'status_updated_at', kind: 'data' },
];

/** What a volunteer should read for the Twilio error codes a broadcast commonly ends with. */
const ERROR_TEXT: Record<number, string> = {
  21211: 'invalid phone number',
  21610: 'recipient had replied STOP',
  21614: 'not a mobile number',
  21635: 'landline or unreachable carrier',
  30003: 'handset unreachable (off or out of coverage)',
  30004: 'message blocked by the recipient or carrier',
  30005: 'unknown or inactive number',
  30006: 'landline or unreachable carrier',
  30007: 'filtered by the carrier',
  30008: 'unknown delivery error',
};

function errorTextSql(): string {
  const whens = Object.entries(ERROR_TEXT).map(([code, text]) => `WHEN ${Number(code)} THEN '${text.replace(/'/g, "''")}'`);
  return `CASE r.error_code ${whens.join(' ')} ELSE NULL END`;
}

export interface BroadcastScope {
  broadcastId: string;
  status?: string;
  includeOptedOut?: boolean;
}

/** The broadcast's name; 404 when it is unknown. */
export function findBroadcast(store: SqliteDb, id: string): { id: string; name: string } {
  const row = store.prepare('SELECT id, name FROM broadcasts WHERE id = ?').get(id) as { id: string; name: string } | undefined;
  if (!row) throw new AppError('not_found', `broadcast ${id} not found`);
  return row;
}

export function broadcastQuery(s: BroadcastScope): KeysetQuery {
  const params: Record<string, string | number> = { broadcast: s.broadcastId };
  const where = ['r.broadcast_id = @broadcast', 'r.rowid > @after', 'c.is_test = 0'];
  if (!s.includeOptedOut) where.push("c.status <> 'opted_out'");
  if (s.status) {
    where.push('r.status = @status');
    params.status = s.status;
  }
  const sql = `SELECT r.rowid AS k, c.phone, c.first_name, c.zip, r.status AS delivery_status, r.error_code,
  ${errorTextSql()} AS error, r.twilio_sid, r.updated_at AS status_updated_at
FROM broadcast_recipients r
JOIN contacts c ON c.id = r.contact_id
WHERE ${where.join('\n  AND ')}
ORDER BY r.rowid
LIMIT @limit`;
  return { sql, params, columns: BROADCAST_COLUMNS };
}
