/** The audit log's table (migration 0002-people-audit, `audit_log`): who did what, append-only. */
import type { Insertable, Selectable } from 'kysely';

export interface AuditLogTable {
  seq: number;
  at: string;
  actor_id: string;
  actor_name: string;
  actor_role: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: string;
}

export type AuditRow = Selectable<AuditLogTable>;
export type NewAuditRow = Omit<Insertable<AuditLogTable>, 'seq'>;
