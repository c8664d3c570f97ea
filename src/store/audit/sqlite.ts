/**
 * The audit log on SQLite. The seq is computed in the insert (MAX + 1) rather than by an
 * engine-specific autoincrement, so the statement is the same on every engine; on SQLite the
 * single writer makes it race-free.
 */
import { sql } from 'kysely';
import type { SqliteDb } from '../sqlite/db';
import type { AuditRepository } from './repository';
import type { AuditRow, NewAuditRow } from './tables';

export class SqliteAudit implements AuditRepository {
  constructor(private readonly db: SqliteDb) {}

  async append(row: NewAuditRow): Promise<void> {
    const k = this.db.db;
    this.db.run(
      k.insertInto('audit_log').values({
        ...row,
        seq: sql<number>`(SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log)`,
      }),
    );
  }

  async page(limit: number, before?: number): Promise<AuditRow[]> {
    let q = this.db.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(limit);
    if (before !== undefined) q = q.where('seq', '<', before);
    return this.db.all(q);
  }
}
