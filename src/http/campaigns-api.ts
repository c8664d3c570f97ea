/** Organizers' campaign API: list, create, read, replace, deactivate. */
import { Router } from 'express';
import type { AppContext } from '../wiring/context';
import { parseCampaign, parseCampaignGoal } from '../core/campaign';
import { CampaignService } from '../usecases/campaigns/campaigns';
import { parseBody } from './validate';

export function campaignsApi(ctx: AppContext): Router {
  const r = Router();
  const campaigns = new CampaignService(ctx);

  r.get('/', async (req, res) => {
    res.json({ campaigns: await campaigns.list(req.query.all === '1' || req.query.all === 'true') });
  });

  r.post('/', async (req, res) => {
    const spec = parseBody(parseCampaign, req.body);
    res.status(201).json(await campaigns.create(spec, spec.goalCents ?? 0, 'api'));
  });

  r.get('/:id', async (req, res) => {
    res.json(await campaigns.get(req.params.id));
  });

  r.put('/:id', async (req, res) => {
    const spec = parseBody(parseCampaign, req.body);
    res.json(await campaigns.update(req.params.id, spec, 'api', spec.goalCents));
  });

  r.put('/:id/goal', async (req, res) => {
    const { goalCents } = parseBody(parseCampaignGoal, req.body);
    res.json(await campaigns.setGoal(req.params.id, goalCents));
  });

  r.delete('/:id', async (req, res) => {
    res.json(await campaigns.deactivate(req.params.id, 'api'));
  });

  return r;
}
