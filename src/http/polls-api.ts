/**
 * Organizers' polls and ideas API (issue 15; shapes pinned there):
 *   POST /api/polls {campaignId, question, options:[{label, words}]} → 201 {id}
 *   POST /api/polls/:id/open, POST /api/polls/:id/close
 *   GET  /api/polls/:id → {status, question, results:[{label, votes}], total}
 *   GET  /api/polls?campaignId=… (the console's list)
 *   POST /api/campaigns/:id/ideas/open|close; GET /api/campaigns/:id/ideas → [{id, number, text, status, votes}]
 *   POST /api/ideas/:id/approve|reject; POST /api/ideas/:id/merge {into}; PUT /api/ideas/:id {text}
 * Bad input is a 400 with the path of each problem (an option word that is a keyword on the
 * sender, a compliance or command word, a word used twice).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../wiring/context';
import { parsePoll } from '../core/polls';
import { zodProblems } from '../core/validation';
import type { PollResults } from '../usecases/polls/polls';
import type { IdeaRecord } from '../usecases/polls/ideas';
import { AppError } from '../shared/errors';
import { parseBody } from './validate';

/** GET /api/polls/:id's shape, exactly. */
export function pollAnswer(r: PollResults) {
  return { status: r.status, question: r.question, results: r.results.map((o) => ({ label: o.label, votes: o.votes })), total: r.total };
}

/** An idea as the API lists it, exactly. */
export function ideaAnswer(i: IdeaRecord) {
  return { id: i.id, number: i.number, text: i.text, status: i.status, votes: i.votes };
}

const mergeBody = z.strictObject({ into: z.string().trim().min(1, 'must name the idea to keep').max(100) });
const editBody = z.strictObject({ text: z.string().max(2000) });
const listQuery = z.object({ campaignId: z.string().min(1, 'must name a campaign').max(100) });

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw new AppError('validation_failed', 'request body is invalid', zodProblems(r.error));
  return r.data;
}

export function pollsApi(ctx: AppContext): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    const spec = parseBody(parsePoll, req.body);
    const poll = await ctx.polls.create(spec);
    res.status(201).json({ id: poll.id });
  });

  r.get('/', async (req, res) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) throw new AppError('validation_failed', 'invalid query', zodProblems(q.error));
    const polls = await ctx.polls.list(q.data.campaignId);
    res.json({ polls: polls.map((p) => ({ id: p.id, question: p.question, status: p.status, createdAt: p.createdAt })) });
  });

  r.get('/:id', async (req, res) => {
    res.json(pollAnswer(await ctx.polls.get(req.params.id)));
  });

  r.post('/:id/open', async (req, res) => {
    res.json(pollAnswer(await ctx.polls.open(req.params.id)));
  });

  r.post('/:id/close', async (req, res) => {
    res.json(pollAnswer(await ctx.polls.close(req.params.id)));
  });

  return r;
}

export function campaignIdeasApi(ctx: AppContext): Router {
  const r = Router();
  const windowAnswer = (w: { id: string; openedAt: string; closedAt: string | null } | undefined) =>
    w ? { id: w.id, open: w.closedAt === null, openedAt: w.openedAt, closedAt: w.closedAt } : { id: null, open: false, openedAt: null, closedAt: null };

  r.post('/:id/ideas/open', async (req, res) => {
    res.json(windowAnswer(await ctx.ideas.open(req.params.id)));
  });
  r.post('/:id/ideas/close', async (req, res) => {
    res.json(windowAnswer(await ctx.ideas.close(req.params.id)));
  });
  r.get('/:id/ideas', async (req, res) => {
    res.json((await ctx.ideas.list(req.params.id)).map(ideaAnswer));
  });
  return r;
}

export function ideasApi(ctx: AppContext): Router {
  const r = Router();
  r.post('/:id/approve', async (req, res) => {
    res.json(ideaAnswer(await ctx.ideas.act(req.params.id, 'approve')));
  });
  r.post('/:id/reject', async (req, res) => {
    res.json(ideaAnswer(await ctx.ideas.act(req.params.id, 'reject')));
  });
  r.post('/:id/merge', async (req, res) => {
    const { into } = parse(mergeBody, req.body);
    res.json(ideaAnswer(await ctx.ideas.merge(req.params.id, into)));
  });
  r.put('/:id', async (req, res) => {
    const { text } = parse(editBody, req.body);
    res.json(ideaAnswer(await ctx.ideas.edit(req.params.id, text)));
  });
  return r;
}
