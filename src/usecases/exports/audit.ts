/** The export audit trail: one row per export, opened when it starts and closed when it ends. */
import type { IdGenerator } from '../../core/clock';
import type { ExportAudit } from '../../store/database';
import type { SqliteDb } from '../../store/sqlite/db';
import type { ExportKind } from './filters';

export type ExportRole = 'admin' | 'volunteer' | 'cli';
export type ExportOutcome = 'completed' | 'aborted' | 'failed';

export interface AuditStart {
  role: ExportRole;
  kind: ExportKind;
  filters: Record<string, unknown>;
  client: string | null;
}

export function openAudit(store: SqliteDb, newId: IdGenerator, at: Date, a: AuditStart): string {
  const id = newId();
  store.run(
    store.db.insertInto('export_audit').values({
      id, role: a.role, export: a.kind, filters: JSON.stringify(a.filters), outcome: 'running', row_count: 0,
      client: a.client, started_at: at.toISOString(), finished_at: null,
    }),
  );
  return id;
}

export function closeAudit(store: SqliteDb, id: string, outcome: ExportOutcome, rows: number, at: Date): void {
  store.run(
    store.db.updateTable('export_audit')
      .set({ outcome, row_count: rows, finished_at: at.toISOString() })
      .where('id', '=', id)
      .where('outcome', '=', 'running'),
  );
}

export interface AuditView {
  id: string;
  role: ExportRole;
  export: ExportKind;
  filters: unknown;
  outcome: ExportAudit['outcome'];
  rowCount: number;
  client: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** Newest first; `before` pages back by started_at. */
export function listAudit(store: SqliteDb, limit: number, before?: string): AuditView[] {
  let q = store.db.selectFrom('export_audit').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit);
  if (before) q = q.where('started_at', '<', before);
  return store.all(q).map((r) => ({
    id: r.id, role: r.role, export: r.export, filters: JSON.parse(r.filters) as unknown, outcome: r.outcome,
    rowCount: r.row_count, client: r.client, startedAt: r.started_at, finishedAt: r.finished_at,
  }));
}
