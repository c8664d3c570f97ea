/** Organizers' campaign API: list, create, read, replace, deactivate. */
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../wiring/context';
import { parseCampaign } from '../core/campaign';
import { zodProblems } from '../core/validation';
import { CampaignService, MAX_GOAL_CENTS } from '../usecases/campaigns/campaigns';
import { parseBody } from './validate';

const goalSchema = z.object({ goalCents: z.number().int().min(0).max(MAX_GOAL_CENTS) });

export function campaignsApi(ctx: AppContext): Router {
  const r = Router();
  const campaigns = new CampaignService(ctx);

  r.get('/', async (req, res) => {
    res.json({ campaigns: await campaigns.list(req.query.all === '1' || req.query.all === 'true') });
  });

  r.post('/', async (req, res) => {
    const spec = parseBody(parseCampaign, req.body);
    const goal = typeof req.body?.goalCents === 'number' ? Math.max(0, Math.floor(req.body.goalCents)) : 0;
    res.status(201).json(await campaigns.create(spec, goal, 'api'));
  });

  r.get('/:id', async (req, res) => {
    res.json(await campaigns.get(req.params.id));
  });

  r.put('/:id', async (req, res) => {
    const spec = parseBody(parseCampaign, req.body);
    res.json(await campaigns.update(req.params.id, spec, 'api'));
  });

  r.put('/:id/goal', async (req, res) => {
    const { goalCents } = parseBody((b) => {
      const p = goalSchema.safeParse(b);
      return p.success ? { ok: true, value: p.data } : { ok: false, problems: zodProblems(p.error) };
    }, req.body);
    res.json(await campaigns.setGoal(req.params.id, goalCents));
  });

  r.delete('/:id', async (req, res) => {
    res.json(await campaigns.deactivate(req.params.id, 'api'));
  });

  return r;
}
