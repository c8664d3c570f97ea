/** Organizers' campaign API: list, create, read, replace, deactivate. */
import { Router } from 'express';
import type { AppContext } from '../wiring/context';
import { parseCampaign, parseCampaignGoal } from '../core/campaign';
import { CampaignService } from '../usecases/campaigns/campaigns';
import { parseBody } from './validate';
import { recordAudit } from './audit-record';

export function campaignsApi(ctx: AppContext): Router {
  const r = Router();
  const campaigns = new CampaignService(ctx);

  r.get('/', async (req, res) => {
    res.json({ campaigns: await campaigns.list(req.query.all === '1' || req.query.all === 'true') });
  });

  r.post('/', async (req, res) => {
    const spec = parseBody(parseCampaign, req.body);
    const c = await campaigns.create(spec, spec.goalCents ?? 0, 'api');
    await recordAudit(ctx, req, 'campaign.created', { type: 'campaign', id: c.id }, { name: c.name });
    res.status(201).json(c);
  });

  r.get('/:id', async (req, res) => {
    res.json(await campaigns.get(req.params.id));
  });

  r.put('/:id', async (req, res) => {
    const spec = parseBody(parseCampaign, req.body);
    const c = await campaigns.update(req.params.id, spec, 'api', spec.goalCents);
    await recordAudit(ctx, req, 'campaign.edited', { type: 'campaign', id: c.id }, { name: c.name, change: 'replaced' });
    res.json(c);
  });

  r.put('/:id/goal', async (req, res) => {
    const { goalCents } = parseBody(parseCampaignGoal, req.body);
    const c = await campaigns.setGoal(req.params.id, goalCents);
    await recordAudit(ctx, req, 'campaign.edited', { type: 'campaign', id: req.params.id }, { change: 'goal', goalCents });
    res.json(c);
  });

  r.delete('/:id', async (req, res) => {
    const c = await campaigns.deactivate(req.params.id, 'api');
    await recordAudit(ctx, req, 'campaign.edited', { type: 'campaign', id: c.id }, { name: c.name, change: 'deactivated' });
    res.json(c);
  });

  return r;
}
