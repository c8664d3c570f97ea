/**
 * GET /api/exports/polls/:id.csv and /api/exports/ideas.csv?campaign=<id>: results and votes as
 * CSV for organizers and volunteers (phones masked for volunteers), each download audited.
 */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../wiring/context';
import { AppError } from '../shared/errors';
import { ideasCsv, pollCsv } from '../usecases/polls/exports';
import { requireRole } from './auth';
import { recordAudit } from './audit-record';

function send(res: Response, csv: { filename: string; body: string }): void {
  res.status(200).set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${csv.filename}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  }).send(csv.body);
}

const roleOf = (req: Request) => (req.role === 'admin' ? 'admin' : 'volunteer');

export function votingExportsApi(ctx: AppContext): Router {
  const r = Router();
  r.get('/polls/:id.csv', requireRole('admin', 'volunteer'), async (req, res) => {
    const csv = await pollCsv(ctx.store, String(req.params.id), roleOf(req));
    await recordAudit(ctx, req, 'export.downloaded', { type: 'export', id: `poll-${String(req.params.id)}` }, { export: 'poll', filename: csv.filename });
    send(res, csv);
  });
  r.get('/ideas.csv', requireRole('admin', 'volunteer'), async (req, res) => {
    const campaign = req.query.campaign ?? req.query.campaignId;
    if (typeof campaign !== 'string' || campaign === '') {
      throw new AppError('validation_failed', 'invalid query', [{ path: 'campaign', message: 'must name the campaign (?campaign=<id>)' }]);
    }
    const csv = await ideasCsv(ctx.store, campaign, roleOf(req));
    await recordAudit(ctx, req, 'export.downloaded', { type: 'export', id: `ideas-${campaign}` }, { export: 'ideas', filename: csv.filename });
    send(res, csv);
  });
  return r;
}
