/**
 * Organizers' broadcast API (admin token): create, edit, preview, schedule, send now, pause,
 * resume, cancel, status with counts, and the recipients list (e.g. ?status=unknown to see the
 * texts whose delivery could not be confirmed).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../wiring/context';
import { zodProblems } from '../core/validation';
import { AppError } from '../shared/errors';
import { broadcastService } from './broadcast-service';
import { recordAudit } from './audit-record';

const RECIPIENT_STATUSES = [
  'pending', 'sending', 'queued', 'sent', 'delivered', 'undelivered', 'failed', 'opted_out', 'undeliverable', 'unknown', 'canceled',
] as const;

const recipientsQuery = z.object({
  status: z.enum(RECIPIENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.coerce.number().int().min(0).default(0),
});

export function broadcastsApi(ctx: AppContext): Router {
  const r = Router();
  const svc = broadcastService(ctx);

  r.get('/', async (_req, res) => {
    res.json({ broadcasts: await svc.list() });
  });

  r.post('/', async (req, res) => {
    const b = await svc.create(req.body);
    await recordAudit(ctx, req, 'broadcast.created', { type: 'broadcast', id: b.id }, { name: b.name, status: b.status });
    ctx.logger.info({ broadcastId: b.id, status: b.status }, 'broadcast created');
    res.status(201).json(b);
  });

  /** Preview a broadcast before saving it (same body as create). */
  r.post('/preview', async (req, res) => {
    res.json(await svc.previewDraft(req.body));
  });

  r.get('/:id', async (req, res) => {
    res.json(await svc.get(req.params.id));
  });

  r.patch('/:id', async (req, res) => {
    res.json(await svc.update(req.params.id, req.body));
  });

  r.get('/:id/preview', async (req, res) => {
    res.json(await svc.preview(req.params.id));
  });

  r.post('/:id/schedule', async (req, res) => {
    const b = await svc.schedule(req.params.id, req.body);
    await recordAudit(ctx, req, 'broadcast.scheduled', { type: 'broadcast', id: b.id }, { name: b.name, sendAt: b.sendAt });
    res.json(b);
  });

  r.post('/:id/send', async (req, res) => {
    const b = await svc.send(req.params.id);
    await recordAudit(ctx, req, 'broadcast.sent', { type: 'broadcast', id: b.id }, { name: b.name, status: b.status });
    ctx.logger.info({ broadcastId: b.id }, 'broadcast started');
    res.status(202).json(b);
  });

  r.post('/:id/pause', async (req, res) => {
    const b = await svc.pause(req.params.id);
    await recordAudit(ctx, req, 'broadcast.paused', { type: 'broadcast', id: b.id }, { name: b.name });
    res.json(b);
  });

  r.post('/:id/resume', async (req, res) => {
    const b = await svc.resume(req.params.id);
    await recordAudit(ctx, req, 'broadcast.resumed', { type: 'broadcast', id: b.id }, { name: b.name });
    res.json(b);
  });

  r.post('/:id/cancel', async (req, res) => {
    const b = await svc.cancel(req.params.id);
    await recordAudit(ctx, req, 'broadcast.cancelled', { type: 'broadcast', id: b.id }, { name: b.name });
    ctx.logger.info({ broadcastId: b.id }, 'broadcast canceled');
    res.json(b);
  });

  /** Recipients in send order, paged by seq: ?status=unknown&limit=100&after=<seq>. */
  r.get('/:id/recipients', async (req, res) => {
    const q = recipientsQuery.safeParse(req.query);
    if (!q.success) throw new AppError('validation_failed', 'invalid query', zodProblems(q.error));
    const rows = await svc.recipients(req.params.id, q.data);
    res.json({ recipients: rows, next: rows.length === q.data.limit ? rows[rows.length - 1]!.seq : null });
  });

  return r;
}
