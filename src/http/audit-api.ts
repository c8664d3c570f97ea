/**
 * GET /api/audit?limit=&before= (organizers only): who did what, newest first.
 * → `{ entries: [{ seq, at, actor, action, target, details }], next }`; pass `next` as `before`
 * for the following page (null at the end).
 */
import { Router } from 'express';
import type { AppContext } from '../wiring/context';
import { parseAuditQuery } from './audit-query';

export function auditApi(ctx: AppContext): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const q = parseAuditQuery(req.query, 50);
    res.json(await ctx.audit.page(q.limit, q.before));
  });
  return r;
}
