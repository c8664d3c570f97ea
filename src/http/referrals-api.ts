/** Organizers' referral API: GET /api/campaigns/:id/referrals (docs/api.md). */
import { Router } from 'express';
import type { AppContext } from '../wiring/context';
import { referralSummary } from '../usecases/referrals/referrals';

export function referralsApi(ctx: AppContext): Router {
  const r = Router();
  r.get('/:id/referrals', async (req, res) => {
    res.json(await referralSummary(ctx, req.params.id));
  });
  return r;
}
