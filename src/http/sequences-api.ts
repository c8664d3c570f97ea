/**
 * Organizers' follow-up sequences: POST /api/sequences → 201; GET /api/sequences[?campaignId=];
 * GET/PUT/DELETE /api/sequences/:id (GET includes counts { scheduled, sent, skipped });
 * GET /api/contacts/:id/schedule is the console's contact schedule (console page reads the store).
 */
import { Router } from 'express';
import type { AppContext } from '../wiring/context';
import { parseSequence } from '../core/sequences';
import { AppError } from '../shared/errors';
import { parseBody } from './validate';
import { recordAudit } from './audit-record';

export function sequencesApi(ctx: AppContext): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const campaignId = typeof req.query.campaignId === 'string' ? req.query.campaignId : undefined;
    res.json({ sequences: await ctx.store.sequences.list(campaignId) });
  });
  r.post('/', async (req, res) => {
    const spec = parseBody(parseSequence, req.body);
    const s = await ctx.store.sequences.create(ctx.newId(), spec, ctx.clock.now(), ctx.newId);
    await recordAudit(ctx, req, 'sequence.saved', { type: 'sequence', id: s.id }, { name: s.name, change: 'created' });
    res.status(201).json(s);
  });
  r.get('/:id', async (req, res) => {
    const s = await ctx.store.sequences.get(req.params.id);
    if (!s) throw new AppError('not_found', `sequence ${req.params.id} not found`);
    res.json(s);
  });
  r.put('/:id', async (req, res) => {
    const spec = parseBody(parseSequence, req.body);
    const s = await ctx.store.sequences.update(req.params.id, spec, ctx.clock.now(), ctx.newId);
    await recordAudit(ctx, req, 'sequence.saved', { type: 'sequence', id: s.id }, { name: s.name, change: 'replaced' });
    res.json(s);
  });
  r.delete('/:id', async (req, res) => {
    const s = await ctx.store.sequences.remove(req.params.id, ctx.clock.now());
    await recordAudit(ctx, req, 'sequence.deleted', { type: 'sequence', id: s.id }, { name: s.name });
    res.json(s);
  });
  return r;
}
