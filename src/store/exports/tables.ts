/** The export audit trail's table (schema.sql `export_audit`): who exported what, when, how it ended. */
import type { Insertable, Selectable } from 'kysely';

export interface ExportAuditTable {
  id: string;
  role: 'admin' | 'volunteer' | 'cli';
  export: 'contacts' | 'pledges' | 'broadcast';
  filters: string;
  outcome: 'running' | 'completed' | 'aborted' | 'failed';
  row_count: number;
  client: string | null;
  started_at: string;
  finished_at: string | null;
}

export type ExportAudit = Selectable<ExportAuditTable>;
export type NewExportAudit = Insertable<ExportAuditTable>;
