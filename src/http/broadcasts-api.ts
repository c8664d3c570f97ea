/**
 * Organizers' broadcast API (admin token): create, edit, preview, schedule, send now, pause,
 * resume, cancel, status with counts, and the recipients list (e.g. ?status=unknown to see the
 * texts whose delivery could not be confirmed).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../wiring/context';
import { zodProblems } from '../core/flow';
import { broadcastService } from '../wiring/broadcasts';
import { AppError } from '../shared/errors';
import { maskPhone } from '../shared/logger';
import { getBroadcastRow } from '../store/broadcasts/sqlite';

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

  r.get('/', (_req, res) => {
    res.json({ broadcasts: svc.list() });
  });

  r.post('/', (req, res) => {
    const b = svc.create(req.body);
    ctx.logger.info({ broadcastId: b.id, status: b.status }, 'broadcast created');
    res.status(201).json(b);
  });

  /** Preview a broadcast before saving it (same body as create). */
  r.post('/preview', async (req, res) => {
    res.json(await svc.previewDraft(req.body));
  });

  r.get('/:id', (req, res) => {
    res.json(svc.get(req.params.id));
  });

  r.patch('/:id', (req, res) => {
    res.json(svc.update(req.params.id, req.body));
  });

  r.get('/:id/preview', async (req, res) => {
    res.json(await svc.preview(req.params.id));
  });

  r.post('/:id/schedule', (req, res) => {
    res.json(svc.schedule(req.params.id, req.body));
  });

  r.post('/:id/send', (req, res) => {
    const b = svc.send(req.params.id);
    ctx.logger.info({ broadcastId: b.id }, 'broadcast started');
    res.status(202).json(b);
  });

  r.post('/:id/pause', (req, res) => {
    res.json(svc.pause(req.params.id));
  });

  r.post('/:id/resume', (req, res) => {
    res.json(svc.resume(req.params.id));
  });

  r.post('/:id/cancel', (req, res) => {
    const b = svc.cancel(req.params.id);
    ctx.logger.info({ broadcastId: b.id }, 'broadcast canceled');
    res.json(b);
  });

  /** Recipients in send order, paged by seq: ?status=unknown&limit=100&after=<seq>. */
  r.get('/:id/recipients', (req, res) => {
    const q = recipientsQuery.safeParse(req.query);
    if (!q.success) throw new AppError('validation_failed', 'invalid query', zodProblems(q.error));
    const id = getBroadcastRow(ctx.db, req.params.id).id;
    let query = ctx.db.db
      .selectFrom('broadcast_recipients as r')
      .innerJoin('contacts as c', 'c.id', 'r.contact_id')
      .select(['r.seq', 'r.contact_id', 'c.phone', 'c.first_name', 'r.campaign_id', 'r.status', 'r.twilio_sid', 'r.error_code', 'r.segments', 'r.attempts', 'r.time_zone', 'r.sent_at', 'r.updated_at'])
      .where('r.broadcast_id', '=', id)
      .where('r.seq', '>', q.data.after)
      .orderBy('r.seq')
      .limit(q.data.limit);
    if (q.data.status) query = query.where('r.status', '=', q.data.status);
    const rows = ctx.db.all(query).map((x) => ({
      seq: x.seq, contactId: x.contact_id, phone: maskPhone(x.phone), firstName: x.first_name, campaignId: x.campaign_id, status: x.status,
      twilioSid: x.twilio_sid, errorCode: x.error_code, segments: x.segments, attempts: x.attempts, timeZone: x.time_zone || null,
      sentAt: x.sent_at, updatedAt: x.updated_at,
    }));
    res.json({ recipients: rows, next: rows.length === q.data.limit ? rows[rows.length - 1]!.seq : null });
  });

  return r;
}
