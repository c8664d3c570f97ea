/**
 * Tracked short links: GET /l/<code> counts the click and answers 302 to the target. Public (the
 * supporter's phone follows it), answers nothing but the redirect: no page, no cookie, no referrer
 * passed on, and a code that does not exist is a 404.
 */
import { Router } from 'express';
import type { AppContext } from '../wiring/context';
import { AppError } from '../shared/errors';
import { followLink } from '../usecases/pledges/links';

export function linksRoute(ctx: AppContext): Router {
  const r = Router();
  r.get('/l/:code', async (req, res) => {
    const target = await followLink(ctx, req.params.code);
    if (!target) throw new AppError('not_found', 'no such link');
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).redirect(302, target);
  });
  return r;
}
