/** Organizers' campaign API: list, create, read, replace, deactivate. */
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../wiring/context';
import { parseCampaign } from '../core/campaign';
import {
  createCampaign, deactivateCampaign, getCampaign, listCampaigns, setCampaignGoal, updateCampaign,
} from '../store/campaigns';
import { parseBody } from './validate';
import { zodProblems } from '../core/flow';

const goalSchema = z.object({ goalCents: z.number().int().min(0).max(1_000_000_000) });

export function campaignsApi(ctx: AppContext): Router {
  const r = Router();
  const changed = () => ctx.registry.reload();

  r.get('/', (req, res) => {
    res.json({ campaigns: listCampaigns(ctx.db, req.query.all === '1' || req.query.all === 'true') });
  });

  r.post('/', (req, res) => {
    const spec = parseBody(parseCampaign, req.body);
    const goal = typeof req.body?.goalCents === 'number' ? Math.max(0, Math.floor(req.body.goalCents)) : 0;
    const created = createCampaign(ctx.db, spec, ctx.newId, ctx.clock.now(), goal);
    changed();
    ctx.logger.info({ campaignId: created.id, sender: created.sender }, 'campaign created');
    res.status(201).json(created);
  });

  r.get('/:id', (req, res) => {
    res.json(getCampaign(ctx.db, req.params.id));
  });

  r.put('/:id', (req, res) => {
    const spec = parseBody(parseCampaign, req.body);
    const updated = updateCampaign(ctx.db, req.params.id, spec, ctx.clock.now());
    changed();
    ctx.logger.info({ campaignId: updated.id }, 'campaign updated');
    res.json(updated);
  });

  r.put('/:id/goal', (req, res) => {
    const { goalCents } = parseBody((b) => {
      const p = goalSchema.safeParse(b);
      return p.success ? { ok: true, value: p.data } : { ok: false, problems: zodProblems(p.error) };
    }, req.body);
    const updated = setCampaignGoal(ctx.db, req.params.id, goalCents, ctx.clock.now());
    ctx.live.notify(updated.id);
    res.json(updated);
  });

  r.delete('/:id', (req, res) => {
    const c = deactivateCampaign(ctx.db, req.params.id, ctx.clock.now());
    changed();
    ctx.logger.info({ campaignId: c.id }, 'campaign deactivated');
    res.json(c);
  });

  return r;
}
