/**
 * Organizers' pledge figures and the contributions import:
 * GET /api/pledges/summary?campaignId= → { pledgedCents, paidCents, byStatus, … };
 * POST /api/imports/donations (the CSV itself as the body; dry_run=1 reports each row's outcome).
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../wiring/context';
import { zodProblems } from '../core/validation';
import { AppError } from '../shared/errors';
import { CampaignService } from '../usecases/campaigns/campaigns';
import { importDonations } from '../usecases/pledges/donations';
import { pledgeSummary } from '../usecases/pledges/summary';
import type { ImportEncoding } from '../usecases/imports/read-csv';
import { recordAudit } from './audit-record';

const summaryQuery = z.strictObject({ campaignId: z.string().trim().min(1, 'is required').max(200) });

const flag = z.enum(['1', '0', 'true', 'false', 'yes', 'no'], { message: 'must be 1 or 0 (true/false)' }).transform((v) => v === '1' || v === 'true' || v === 'yes');
const importQuery = z.strictObject({ dry_run: flag.optional(), dryRun: flag.optional(), filename: z.string().trim().min(1).max(200).optional() });

const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/comma-separated-values', 'text/plain', 'application/vnd.ms-excel', 'application/octet-stream']);

function csvEncoding(req: Request): ImportEncoding {
  const header = req.get('content-type') ?? '';
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (!type || !CSV_TYPES.has(type)) {
    throw new AppError('unsupported_media_type', `send the contributions CSV itself as the body with Content-Type: text/csv; got "${header || 'none'}"`);
  }
  const encoding = req.get('content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') throw new AppError('unsupported_media_type', 'compressed uploads are not accepted; send the plain CSV');
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  if (!charset || charset === 'utf-8' || charset === 'utf8') return 'utf-8';
  if (['windows-1252', 'cp1252', 'iso-8859-1', 'latin1', 'us-ascii'].includes(charset)) return 'windows-1252';
  throw new AppError('unsupported_media_type', `charset ${charset} is not supported; use utf-8 or windows-1252`);
}

export function pledgesApi(ctx: AppContext): Router {
  const r = Router();
  r.get('/summary', async (req, res) => {
    const q = summaryQuery.safeParse(req.query);
    if (!q.success) throw new AppError('validation_failed', 'invalid query', zodProblems(q.error));
    await new CampaignService(ctx).get(q.data.campaignId);
    res.json(await pledgeSummary(ctx, q.data.campaignId));
  });
  return r;
}

export function donationImportsApi(ctx: AppContext): Router {
  const r = Router();
  r.post('/donations', async (req, res) => {
    const q = importQuery.safeParse(req.query);
    if (!q.success) throw new AppError('validation_failed', 'invalid import options', zodProblems(q.error));
    const encoding = csvEncoding(req);
    const report = await importDonations(ctx, req, { dryRun: q.data.dry_run ?? q.data.dryRun ?? false, encoding });
    if (report.applied) {
      await recordAudit(ctx, req, 'donations.imported', null, { filename: q.data.filename ?? null, totals: report.totals });
    }
    res.json(report);
  });
  return r;
}
