/**
 * Organizers' follow-up sequences: POST /api/sequences → 201; GET /api/sequences[?campaignId=];
 * GET/PUT/DELETE /api/sequences/:id (GET includes counts { scheduled, sent, skipped });
 * the console's contact page shows a contact's schedule through the same use case.
 */
import { Router } from 'express';
import type { AppContext } from '../wiring/context';
import { parseSequence } from '../core/sequences';
import { Sequences } from '../usecases/sequences/sequences';
import { parseBody } from './validate';
import { recordAudit } from './audit-record';

export function sequencesApi(ctx: AppContext): Router {
  const r = Router();
  const sequences = new Sequences(ctx);
  r.get('/', async (req, res) => {
    const campaignId = typeof req.query.campaignId === 'string' ? req.query.campaignId : undefined;
    res.json({ sequences: await sequences.list(campaignId) });
  });
  r.post('/', async (req, res) => {
    const spec = parseBody(parseSequence, req.body);
    const s = await sequences.create(spec);
    await recordAudit(ctx, req, 'sequence.saved', { type: 'sequence', id: s.id }, { name: s.name, change: 'created' });
    res.status(201).json(s);
  });
  r.get('/:id', async (req, res) => {
    res.json(await sequences.get(req.params.id));
  });
  r.put('/:id', async (req, res) => {
    const spec = parseBody(parseSequence, req.body);
    const s = await sequences.update(req.params.id, spec);
    await recordAudit(ctx, req, 'sequence.saved', { type: 'sequence', id: s.id }, { name: s.name, change: 'replaced' });
    res.json(s);
  });
  r.delete('/:id', async (req, res) => {
    const s = await sequences.remove(req.params.id);
    await recordAudit(ctx, req, 'sequence.deleted', { type: 'sequence', id: s.id }, { name: s.name });
    res.json(s);
  });
  return r;
}
