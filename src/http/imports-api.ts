/**
 * Organizers' contact imports. POST /api/imports/contacts takes the CSV file itself as the body
 * (Content-Type text/csv; `curl --data-binary @list.csv`) and streams it through the parser;
 * GET /api/imports lists the imports applied so far.
 * Query: consent=attested|none, campaign=<id or name>, dry_run=1, strict=1, filename=<label>.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../wiring/context';
import { zodProblems } from '../core/validation';
import { AppError } from '../shared/errors';
import type { ImportEncoding } from '../usecases/imports/read-csv';
import { listImports } from '../usecases/imports/list';
import { importContacts } from '../usecases/imports/run';
import { actorOf } from './auth';

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'], { message: 'must be 1 or 0 (true/false)' })
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const importQuery = z.strictObject({
  consent: z.enum(['attested', 'none'], {
    message: "must be 'attested' (you confirm every number agreed to receive texts from this program) or 'none'",
  }).optional(),
  campaign: z.string().trim().min(1).max(200).optional(),
  dry_run: flag.optional(),
  dryRun: flag.optional(),
  strict: flag.optional(),
  filename: z.string().trim().min(1).max(200).optional(),
});

const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) });

const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/comma-separated-values', 'text/plain', 'application/vnd.ms-excel', 'application/octet-stream']);
const WINDOWS_1252 = new Set(['windows-1252', 'cp1252', 'iso-8859-1', 'latin1', 'us-ascii']);

/** The body's encoding from its Content-Type, or a 415 naming what is accepted. */
function csvEncoding(req: Request): ImportEncoding {
  const header = req.get('content-type') ?? '';
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (!type || !CSV_TYPES.has(type)) {
    throw new AppError(
      'unsupported_media_type',
      `send the CSV file itself as the body with Content-Type: text/csv (curl --data-binary @list.csv -H 'Content-Type: text/csv'); got "${header || 'none'}"`,
    );
  }
  const encoding = req.get('content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') {
    throw new AppError('unsupported_media_type', `compressed uploads (Content-Encoding: ${encoding}) are not accepted; send the plain CSV`);
  }
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  if (!charset || charset === 'utf-8' || charset === 'utf8') return 'utf-8';
  if (WINDOWS_1252.has(charset)) return 'windows-1252';
  throw new AppError('unsupported_media_type', `charset ${charset} is not supported; use utf-8 or windows-1252`);
}

export function importsApi(ctx: AppContext): Router {
  const r = Router();
  const deps = { store: ctx.store, clock: ctx.clock, newId: ctx.newId };

  r.post('/contacts', async (req, res) => {
    const q = importQuery.safeParse(req.query);
    if (!q.success) throw new AppError('validation_failed', 'invalid import options', zodProblems(q.error));
    const encoding = csvEncoding(req);
    const report = await importContacts(deps, req, {
      source: 'api',
      filename: q.data.filename ?? null,
      campaign: q.data.campaign ?? null,
      consent: q.data.consent ?? 'none',
      dryRun: q.data.dry_run ?? q.data.dryRun ?? false,
      strict: q.data.strict ?? false,
      encoding,
      audit: { log: ctx.audit, actor: actorOf(req) },
    });
    ctx.logger.info(
      { importId: report.importId, dryRun: report.dryRun, campaignId: report.campaign?.id, consent: report.consent, totals: report.totals },
      report.dryRun ? 'contact import dry run' : 'contacts imported',
    );
    res.json(report);
  });

  r.get('/', async (req, res) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) throw new AppError('validation_failed', 'invalid query', zodProblems(q.error));
    res.json({ imports: await listImports(ctx.store, q.data.limit) });
  });

  return r;
}
