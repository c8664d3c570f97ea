/** The audit log's paging query, one schema for the API and the console page: `limit` 1…200, `before` a positive entry number. */
import { z } from 'zod';
import { zodProblems } from '../core/validation';
import { AppError } from '../shared/errors';
import { AUDIT_PAGE_MAX } from '../usecases/audit/audit';

const auditQuery = z.strictObject({
  limit: z.string().regex(/^\d{1,4}$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(1).max(AUDIT_PAGE_MAX)).optional(),
  before: z.string().regex(/^[1-9]\d{0,14}$/, 'must be the number of an entry (the "next" value of the previous page)').transform(Number).optional(),
});

export function parseAuditQuery(query: unknown, defaultLimit: number): { limit: number; before?: number } {
  const q = auditQuery.safeParse(query);
  if (!q.success) throw new AppError('validation_failed', 'invalid audit query', zodProblems(q.error));
  return { limit: q.data.limit ?? defaultLimit, before: q.data.before };
}
