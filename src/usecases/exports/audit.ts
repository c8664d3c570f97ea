/** The export audit trail as organizers read it: one entry per export, newest first. */
import type { Store } from '../../store/store';
import type { ExportAudit } from '../../store/exports/tables';
import type { ExportKind } from './filters';

export type ExportRole = ExportAudit['role'];
export type ExportOutcome = 'completed' | 'aborted' | 'failed';

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
export async function listAudit(store: Pick<Store, 'exports'>, limit: number, before?: string): Promise<AuditView[]> {
  const rows = await store.exports.listAudit(limit, before);
  return rows.map((r) => ({
    id: r.id, role: r.role, export: r.export, filters: JSON.parse(r.filters) as unknown, outcome: r.outcome,
    rowCount: r.row_count, client: r.client, startedAt: r.started_at, finishedAt: r.finished_at,
  }));
}
