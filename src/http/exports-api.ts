/**
 * CSV exports for organizers and volunteers, and the export audit trail for organizers.
 * GET /api/exports/contacts.csv, /pledges.csv, /broadcasts/:id.csv stream RFC 4180 CSV;
 * GET /api/exports/audit lists who exported what (organizers only).
 */
import { pipeline } from 'node:stream';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../wiring/context';
import { zodProblems } from '../core/validation';
import { AppError } from '../shared/errors';
import { TWILIO_ERROR_TEXT } from '../twilio/error-text';
import { listAudit } from '../usecases/exports/audit';
import type { ExportKind } from '../usecases/exports/filters';
import { startExport, type ExportJob } from '../usecases/exports/run';
import { requireRole } from './auth';
import { recordAudit } from './audit-record';

const auditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.string().max(40).optional(),
});

function sendCsv(ctx: AppContext, res: Response, job: ExportJob): void {
  res.status(200).set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${job.filename}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Export-Id': job.auditId,
  });
  pipeline(job.stream, res, (err) => {
    const outcome = !err ? 'completed' : (err as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE' ? 'aborted' : 'failed';
    job.finish(outcome).catch((auditErr: unknown) => {
      ctx.logger.error({ err: (auditErr as Error).message, exportId: job.auditId }, 'export audit row could not be closed');
    });
    const entry = { exportId: job.auditId, rows: job.stream.rows, outcome };
    if (outcome === 'failed') ctx.logger.error({ ...entry, err: (err as Error).message }, 'export failed');
    else ctx.logger.info(entry, 'export finished');
  });
}

export function exportsApi(ctx: AppContext): Router {
  const r = Router();
  const deps = { store: ctx.store, clock: ctx.clock, newId: ctx.newId, errorText: TWILIO_ERROR_TEXT };

  const csv = (kind: ExportKind) => async (req: Request, res: Response) => {
    // A HEAD request (curl -I, link checkers) must not run a whole export for a discarded body.
    if (req.method === 'HEAD') {
      res.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8', 'Cache-Control': 'no-store' }).end();
      return;
    }
    const job = await startExport(deps, {
      kind,
      query: req.query,
      role: req.role === 'admin' ? 'admin' : 'volunteer',
      client: req.ip ?? null,
      broadcastId: typeof req.params.id === 'string' ? req.params.id : undefined,
    });
    await recordAudit(ctx, req, 'export.downloaded', { type: 'export', id: job.auditId }, {
      export: kind, ...(req.params.id ? { broadcastId: req.params.id } : {}), filename: job.filename,
    });
    ctx.logger.info({ exportId: job.auditId, kind, role: req.role }, 'export started');
    sendCsv(ctx, res, job);
  };

  r.get('/audit', requireRole('admin'), async (req, res) => {
    const q = auditQuery.safeParse(req.query);
    if (!q.success) throw new AppError('validation_failed', 'invalid audit query', zodProblems(q.error));
    res.json({ exports: await listAudit(ctx.store, q.data.limit, q.data.before) });
  });
  r.get('/contacts.csv', requireRole('admin', 'volunteer'), csv('contacts'));
  r.get('/pledges.csv', requireRole('admin', 'volunteer'), csv('pledges'));
  r.get('/broadcasts/:id.csv', requireRole('admin', 'volunteer'), csv('broadcast'));
  return r;
}
