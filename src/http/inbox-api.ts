/**
 * The inbox API (organizers and volunteers; volunteers only within their scope, checked by the
 * use case): threads, one thread, replies (202: queued through the outbox), done/reopen, assign,
 * split (organizers; among listed people or the volunteers signed in now), next, and the live event stream (SSE) the console listens to.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../wiring/context';
import { zodProblems } from '../core/validation';
import { AppError } from '../shared/errors';
import { INBOX_STREAM_LIMITS, type InboxEvent } from '../usecases/inbox/events';
import { actorOf } from './auth';
import { clientOf } from './client-address';

const listQuery = z
  .object({
    status: z.enum(['open', 'done']).optional(),
    assigned: z.enum(['me', 'none']).optional(),
    campaign: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    before: z.string().datetime({ message: 'must be an ISO date-time like 2026-11-21T20:00:00.000Z' }).optional(),
  })
  .strict();

const CONTACT_ID = /^[A-Za-z0-9_-]{1,100}$/;

function contactIdOf(req: Request): string {
  const id = String(req.params.contactId);
  if (!CONTACT_ID.test(id)) throw new AppError('not_found', `no contact ${id.slice(0, 100)}`);
  return id;
}

export function inboxApi(ctx: AppContext): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) throw new AppError('validation_failed', 'invalid query', zodProblems(q.error));
    const { campaign, ...rest } = q.data;
    res.json({ threads: await ctx.inbox.list(actorOf(req), { ...rest, campaignId: campaign }) });
  });

  /** Live updates: `event: thread` with { contactId, reason } whenever a thread this person may see changes. */
  r.get('/events', (req: Request, res: Response) => {
    const write = (e: InboxEvent) => res.write(`event: thread\ndata: ${JSON.stringify({ contactId: e.contactId, reason: e.reason })}\n\n`);
    const sub = ctx.inboxEvents.subscribe(actorOf(req), { event: write, ping: () => res.write(': ping\n\n'), close: () => res.end() }, clientOf(req));
    if ('refused' in sub) {
      if (sub.refused === 'client') {
        throw new AppError('rate_limited', `At most ${INBOX_STREAM_LIMITS.maxPerClient} inbox streams can be open from one address.`, [], 30);
      }
      throw new AppError('unavailable', 'too many inbox streams are open; try again shortly', [], 30);
    }
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    req.on('close', sub.unsubscribe);
    res.on('close', sub.unsubscribe);
  });

  r.get('/next', async (req, res) => {
    res.json({ thread: await ctx.inbox.next(actorOf(req)) });
  });

  /** `{ assignees: [actor ids] | "signed_in", mode, count?, campaignId? }` (organizers; checked by the use case). */
  r.post('/split', async (req, res) => {
    res.json(await ctx.inbox.split(actorOf(req), req.body));
  });

  r.get('/:contactId', async (req, res) => {
    const peek = req.query.peek === '1' || req.query.peek === 'true';
    res.json(await ctx.inbox.get(actorOf(req), contactIdOf(req), { peek }));
  });

  r.post('/:contactId/replies', async (req, res) => {
    const reply = await ctx.inbox.reply(actorOf(req), contactIdOf(req), req.body);
    ctx.logger.info({ contactId: reply.contactId, outboundId: reply.outboundId, author: reply.author, segments: reply.segments }, 'inbox reply queued');
    res.status(202).json({
      id: reply.outboundId, contactId: reply.contactId, body: reply.body, segments: reply.segments, status: 'queued', author: reply.author, at: reply.at,
    });
  });

  r.post('/:contactId/done', async (req, res) => {
    res.json(await ctx.inbox.setStatus(actorOf(req), contactIdOf(req), 'done'));
  });

  r.post('/:contactId/reopen', async (req, res) => {
    res.json(await ctx.inbox.setStatus(actorOf(req), contactIdOf(req), 'open'));
  });

  r.post('/:contactId/assign', async (req, res) => {
    res.json(await ctx.inbox.assign(actorOf(req), contactIdOf(req), req.body));
  });

  return r;
}

/** Canned responses: everyone who answers threads reads them; organizers write them. */
export function cannedResponsesApi(ctx: AppContext): Router {
  const r = Router();
  const organizer = (req: Request) => {
    if (actorOf(req).role !== 'admin') throw new AppError('forbidden', 'only organizers can change canned responses');
  };
  r.get('/', async (_req, res) => {
    res.json({ cannedResponses: await ctx.inboxSettings.canned() });
  });
  r.post('/', async (req, res) => {
    organizer(req);
    res.status(201).json(await ctx.inboxSettings.createCanned(req.body));
  });
  r.delete('/:id', async (req, res) => {
    organizer(req);
    await ctx.inboxSettings.deleteCanned(String(req.params.id));
    res.status(204).end();
  });
  return r;
}

/** GET/PUT /api/campaigns/:id/auto-reply: the campaign's auto-reply to unclaimed texts (organizers). */
export function autoReplyApi(ctx: AppContext): Router {
  const r = Router();
  r.get('/:id/auto-reply', async (req, res) => {
    res.json(await ctx.inboxSettings.autoReply(String(req.params.id)));
  });
  r.put('/:id/auto-reply', async (req, res) => {
    res.json(await ctx.inboxSettings.setAutoReply(String(req.params.id), req.body));
  });
  return r;
}
