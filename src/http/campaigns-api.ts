/** Organizers' campaign API: list, create, read, replace, deactivate. */
import { Router } from 'express';
import type { AppContext } from '../context';
import { parseCampaign, parseCampaignGoal } from '../core/campaign';
import {
  createCampaign, deactivateCampaign, getCampaign, listCampaigns, setCampaignGoal, updateCampaign,
} from '../store/campaigns';
import { parseBody } from './validate';

export function campaignsApi(ctx: AppContext): Router {
  const r = Router();
  const changed = () => ctx.registry.reload();

  r.get('/', (req, res) => {
    res.json({ campaigns: listCampaigns(ctx.store, req.query.all === '1' || req.query.all === 'true') });
  });

  r.post('/', (req, res) => {
    const spec = parseBody(parseCampaign, req.body);
    const created = createCampaign(ctx.store, spec, ctx.newId, ctx.clock.now());
    changed();
    ctx.logger.info({ campaignId: created.id, sender: created.sender }, 'campaign created');
    res.status(201).json(created);
  });

  r.get('/:id', (req, res) => {
    res.json(getCampaign(ctx.store, req.params.id));
  });

  r.put('/:id', (req, res) => {
    const spec = parseBody(parseCampaign, req.body);
    const updated = updateCampaign(ctx.store, req.params.id, spec, ctx.clock.now());
    changed();
    if (spec.goalCents !== undefined) ctx.live.notify(updated.id);
    ctx.logger.info({ campaignId: updated.id }, 'campaign updated');
    res.json(updated);
  });

  r.put('/:id/goal', (req, res) => {
    const { goalCents } = parseBody(parseCampaignGoal, req.body);
    const updated = setCampaignGoal(ctx.store, req.params.id, goalCents, ctx.clock.now());
    ctx.live.notify(updated.id);
    res.json(updated);
  });

  r.delete('/:id', (req, res) => {
    const c = deactivateCampaign(ctx.store, req.params.id, ctx.clock.now());
    changed();
    ctx.logger.info({ campaignId: c.id }, 'campaign deactivated');
    res.json(c);
  });

  return r;
}
