/**
 * The audit log (both engines). The seq is computed in the insert (MAX + 1) rather than by an
 * engine-specific autoincrement, so the statement is the same on every engine; on SQLite the
 * single writer makes it race-free (on PostgreSQL two appends at once can meet at the primary
 * key: the second is retried).
 */
import { sql } from 'kysely';
import { all, run, type Runner } from '../work';
import type { AuditRepository } from './repository';
import type { AuditRow, NewAuditRow } from './tables';

export class AuditStore implements AuditRepository {
  constructor(private readonly db: Runner) {}

  async append(row: NewAuditRow): Promise<void> {
    const insert = this.db.k.insertInto('audit_log').values({
      ...row,
      seq: sql<number>`(SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log)`,
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.read(run(insert));
        return;
      } catch (err) {
        if ((err as { code?: unknown }).code !== '23505' || attempt >= 5) throw err;
      }
    }
  }

  async page(limit: number, before?: number): Promise<AuditRow[]> {
    let q = this.db.k.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(limit);
    if (before !== undefined) q = q.where('seq', '<', before);
    return this.db.read(all(q));
  }
}
