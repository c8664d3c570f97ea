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
import { recordAudit } from './audit-record';

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
    await recordAudit(ctx, req, 'poll.created', { type: 'poll', id: poll.id }, { campaignId: spec.campaignId, question: spec.question });
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
    const poll = await ctx.polls.open(req.params.id);
    await recordAudit(ctx, req, 'poll.opened', { type: 'poll', id: req.params.id }, { question: poll.question });
    res.json(pollAnswer(poll));
  });

  r.post('/:id/close', async (req, res) => {
    const poll = await ctx.polls.close(req.params.id);
    await recordAudit(ctx, req, 'poll.closed', { type: 'poll', id: req.params.id }, { question: poll.question, total: poll.total });
    res.json(pollAnswer(poll));
  });

  return r;
}

export function campaignIdeasApi(ctx: AppContext): Router {
  const r = Router();
  const windowAnswer = (w: { id: string; openedAt: string; closedAt: string | null } | undefined) =>
    w ? { id: w.id, open: w.closedAt === null, openedAt: w.openedAt, closedAt: w.closedAt } : { id: null, open: false, openedAt: null, closedAt: null };

  r.post('/:id/ideas/open', async (req, res) => {
    const w = await ctx.ideas.open(req.params.id);
    await recordAudit(ctx, req, 'ideas.opened', { type: 'campaign', id: req.params.id });
    res.json(windowAnswer(w));
  });
  r.post('/:id/ideas/close', async (req, res) => {
    const w = await ctx.ideas.close(req.params.id);
    await recordAudit(ctx, req, 'ideas.closed', { type: 'campaign', id: req.params.id });
    res.json(windowAnswer(w));
  });
  r.get('/:id/ideas', async (req, res) => {
    res.json((await ctx.ideas.list(req.params.id)).map(ideaAnswer));
  });
  return r;
}

export function ideasApi(ctx: AppContext): Router {
  const r = Router();
  r.post('/:id/approve', async (req, res) => {
    const idea = await ctx.ideas.act(req.params.id, 'approve');
    await recordAudit(ctx, req, 'idea.approved', { type: 'idea', id: idea.id }, { number: idea.number });
    res.json(ideaAnswer(idea));
  });
  r.post('/:id/reject', async (req, res) => {
    const idea = await ctx.ideas.act(req.params.id, 'reject');
    await recordAudit(ctx, req, 'idea.rejected', { type: 'idea', id: idea.id });
    res.json(ideaAnswer(idea));
  });
  r.post('/:id/merge', async (req, res) => {
    const { into } = parse(mergeBody, req.body);
    const idea = await ctx.ideas.merge(req.params.id, into);
    await recordAudit(ctx, req, 'idea.merged', { type: 'idea', id: req.params.id }, { into });
    res.json(ideaAnswer(idea));
  });
  r.put('/:id', async (req, res) => {
    const { text } = parse(editBody, req.body);
    const idea = await ctx.ideas.edit(req.params.id, text);
    await recordAudit(ctx, req, 'idea.edited', { type: 'idea', id: idea.id });
    res.json(ideaAnswer(idea));
  });
  return r;
}
