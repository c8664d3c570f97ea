/**
 * People over the API (organizers only): GET /api/people lists everyone; POST /api/people/invites
 * `{ email, role: "organizer"|"volunteer" }` → 201 `{ person, url, expiresAt }` (the one-time link,
 * shown once); POST /api/people/:id/disable and /enable.
 */
import { Router } from 'express';
import type { AppContext } from '../wiring/context';
import { AppError } from '../shared/errors';
import { actorOf } from './auth';

export function peopleApi(ctx: AppContext): Router {
  const r = Router();

  r.get('/', async (_req, res) => {
    res.json({ people: await ctx.people.list() });
  });

  r.post('/invites', async (req, res) => {
    const body: unknown = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('validation_failed', 'send a JSON object { email, role }');
    const b = body as Record<string, unknown>;
    res.status(201).json(await ctx.people.invite(actorOf(req), b.email, b.role));
  });

  for (const [verb, status] of [['disable', 'disabled'], ['enable', 'active']] as const) {
    r.post(`/:id/${verb}`, async (req, res) => {
      const id = req.params.id;
      if (id.length > 100) throw new AppError('not_found', 'no such person');
      res.json(await ctx.people.setStatus(actorOf(req), id, status));
    });
  }

  return r;
}
