/** What the audit use case asks of the store: append an entry, read a page newest first. */
import type { AuditRow, NewAuditRow } from './tables';

export interface AuditRepository {
  /** Appends one entry (its seq is the next number); resolves once it is committed. */
  append(row: NewAuditRow): Promise<void>;
  /** Newest first: at most `limit` entries with seq below `before` (all when undefined). */
  page(limit: number, before?: number): Promise<AuditRow[]>;
}
