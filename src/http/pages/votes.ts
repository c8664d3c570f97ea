/**
 * The console's Votes page for one campaign (/campaigns/:id/votes): create a poll, open and close
 * it, read its results; open and close the ideas window and work the moderation queue (approve,
 * reject, merge a duplicate into another idea, fix a typo keeping the text as sent). Plain forms
 * (CSRF-checked, redirect after post): it works without JavaScript, on a phone backstage too.
 */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { parsePoll } from '../../core/polls';
import type { FieldProblem } from '../../core/validation';
import { AppError } from '../../shared/errors';
import type { IdeaRecord } from '../../usecases/polls/ideas';
import type { PollResults } from '../../usecases/polls/polls';
import { percentOf } from '../../usecases/polls/screen';
import { ensureDisplay } from '../../usecases/live/screens';
import { CampaignService } from '../../usecases/campaigns/campaigns';
import type { ConsoleSession } from '../session';
import { pageSession, requirePage } from './guard';
import { html, type Html } from './html';
import { recordAudit } from '../audit-record';
import { consolePage, csrfField } from './layout';

/** "Health = 1, HEALTH" per line; a line without "=" is numbered by its place. */
export function optionsFromText(text: string): { label: string; words?: string[] }[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const eq = l.indexOf('=');
      if (eq === -1) return { label: l };
      const words = l.slice(eq + 1).split(/[,\s]+/).filter((w) => w !== '');
      return { label: l.slice(0, eq).trim(), ...(words.length > 0 ? { words } : {}) };
    });
}

const FLASH: Record<string, string> = {
  created: 'Poll created. Open it when the speaker asks the question.', opened: 'The poll is open: texts that name an option count now.',
  closed: 'The poll is closed: the screen shows the final result.', 'ideas-open': 'The ideas window is open: IDEA and VOTE texts count now.',
  'ideas-closed': 'The ideas window is closed.', approved: 'Idea approved: it has a number people can vote for.', rejected: 'Idea rejected.',
  merged: 'Duplicate merged: its votes moved to the idea kept.', edited: 'Idea text saved (the text as sent is kept).',
};

function pollCard(session: ConsoleSession, p: PollResults, campaignId: string): Html {
  const action = p.status === 'open' ? 'close' : 'open';
  return html`<article class="poll-card" data-poll="${p.id}">
  <h3>${p.question} <span class="badge">${p.status}</span></h3>
  <table><thead><tr><th scope="col">Option</th><th scope="col">Words</th><th scope="col">Votes</th><th scope="col">%</th></tr></thead><tbody>
  ${p.results.map((r) => html`<tr><td>${r.label}</td><td>${r.words.join(', ')}</td><td>${r.votes}</td><td>${percentOf(r.votes, p.total)}%</td></tr>`)}
  </tbody><tfoot><tr><th scope="row" colspan="2">Total</th><td>${p.total}</td><td></td></tr></tfoot></table>
  <form method="post" action="/campaigns/${campaignId}/votes/polls/${p.id}/${action}">${csrfField(session)}
    <button type="submit"${action === 'close' ? html` class="secondary"` : ''}>${action === 'open' ? (p.status === 'closed' ? 'Reopen poll' : 'Open poll') : 'Close poll'}</button>
    <a href="/api/exports/polls/${p.id}.csv">Download CSV</a>
  </form>
</article>`;
}

function ideaRow(session: ConsoleSession, i: IdeaRecord, campaignId: string, targets: IdeaRecord[]): Html {
  const base = `/campaigns/${campaignId}/votes/ideas/${i.id}`;
  const others = targets.filter((t) => t.id !== i.id);
  const queued = i.status === 'pending' || i.status === 'flagged';
  return html`<tr data-idea="${i.id}" class="idea-${i.status}">
  <td>${i.number ?? '–'}</td>
  <td><form method="post" action="${base}/edit" class="inline">${csrfField(session)}
    <label class="visually-hidden" for="text-${i.id}">Idea text</label>
    <input id="text-${i.id}" name="text" value="${i.text}" maxlength="280">
    <button type="submit" class="secondary">Save text</button></form>
    ${i.originalText !== i.text ? html`<p class="hint">As sent: ${i.originalText}</p>` : ''}
    ${i.flag ? html`<p class="hint">Flagged: ${i.flag}</p>` : ''}</td>
  <td>${i.status}</td><td>${i.votes}</td>
  <td>${i.status !== 'approved' && i.status !== 'merged' ? html`<form method="post" action="${base}/approve" class="inline">${csrfField(session)}<button type="submit">Approve</button></form>` : ''}
    ${queued || i.status === 'approved' ? html`<form method="post" action="${base}/reject" class="inline">${csrfField(session)}<button type="submit" class="secondary">Reject</button></form>` : ''}
    ${i.status !== 'merged' && i.status !== 'rejected' && others.length > 0 ? html`<form method="post" action="${base}/merge" class="inline">${csrfField(session)}
      <label for="into-${i.id}">Duplicate of</label>
      <select id="into-${i.id}" name="into">${others.map((t) => html`<option value="${t.id}">${t.number ? `${t.number}. ` : ''}${t.text.slice(0, 50)}</option>`)}</select>
      <button type="submit" class="secondary">Merge</button></form>` : ''}</td>
</tr>`;
}

function votesPage(o: {
  session: ConsoleSession; campaign: { id: string; name: string }; polls: PollResults[]; ideas: IdeaRecord[]; windowOpen: boolean;
  ideasLink: string; flash: string | null; problems: FieldProblem[]; form: { question: string; options: string };
}): string {
  const { session, campaign } = o;
  const queue = o.ideas.filter((i) => i.status === 'pending' || i.status === 'flagged');
  const rest = o.ideas.filter((i) => i.status !== 'pending' && i.status !== 'flagged');
  const targets = o.ideas.filter((i) => i.status !== 'merged' && i.status !== 'rejected');
  return consolePage({
    title: `Votes · ${campaign.name}`, session, active: 'campaigns', flash: o.flash,
    body: html`<p><a href="/campaigns/${campaign.id}">← ${campaign.name}</a></p>
<h1>Polls and ideas</h1>
<section aria-labelledby="polls-h"><h2 id="polls-h">Polls</h2>
${o.polls.length === 0 ? html`<p>No polls yet.</p>` : o.polls.map((p) => pollCard(session, p, campaign.id))}
<h3>New poll</h3>
${o.problems.length > 0 ? html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary"><h2>The poll could not be created</h2><ul>${o.problems.map((p) => html`<li>${p.path ? `${p.path}: ` : ''}${p.message}</li>`)}</ul></div>` : ''}
<form method="post" action="/campaigns/${campaign.id}/votes/polls">${csrfField(session)}
  <p><label for="question">Question</label><input id="question" name="question" maxlength="200" required value="${o.form.question}"></p>
  <p><label for="options">Options, one per line: <code>Label = words</code> (2 to 9; without words an option is answered by its number)</label>
  <textarea id="options" name="options" rows="5" required>${o.form.options}</textarea></p>
  <p><button type="submit">Create poll</button></p>
</form></section>
<section aria-labelledby="ideas-h"><h2 id="ideas-h">Ideas</h2>
<form method="post" action="/campaigns/${campaign.id}/votes/ideas/${o.windowOpen ? 'close' : 'open'}">${csrfField(session)}
  <p>The ideas window is <strong id="window-state">${o.windowOpen ? 'open' : 'closed'}</strong>.
  <button type="submit"${o.windowOpen ? html` class="secondary"` : ''}>${o.windowOpen ? 'Close ideas' : 'Open ideas'}</button>
  · <a href="${o.ideasLink}">Public ideas page</a> · <a href="/api/exports/ideas.csv?campaign=${campaign.id}">Download CSV</a></p>
</form>
<h3>Moderation queue (${queue.length})</h3>
${queue.length === 0 ? html`<p>Nothing waiting.</p>` : html`<div class="table-wrap"><table id="queue"><thead><tr><th scope="col">#</th><th scope="col">Idea</th><th scope="col">Status</th><th scope="col">Votes</th><th scope="col">Actions</th></tr></thead>
<tbody>${queue.map((i) => ideaRow(session, i, campaign.id, targets))}</tbody></table></div>`}
<h3>Moderated</h3>
${rest.length === 0 ? html`<p>None yet.</p>` : html`<div class="table-wrap"><table id="moderated"><thead><tr><th scope="col">#</th><th scope="col">Idea</th><th scope="col">Status</th><th scope="col">Votes</th><th scope="col">Actions</th></tr></thead>
<tbody>${rest.map((i) => ideaRow(session, i, campaign.id, targets))}</tbody></table></div>`}
</section>`,
  });
}

export function votePages(ctx: AppContext): Router {
  const r = Router();
  const admin = requirePage(ctx, 'admin');

  async function render(req: Request, res: Response, status = 200, problems: FieldProblem[] = [], form = { question: '', options: '' }) {
    const c = await new CampaignService(ctx).get(String(req.params.id));
    const polls = await Promise.all((await ctx.polls.list(c.id)).map((p) => ctx.polls.get(p.id)));
    const w = await ctx.ideas.window(c.id);
    const display = await ensureDisplay(ctx.store, c.id, ctx.clock.now());
    res.status(status).type('html').send(
      votesPage({
        session: pageSession(req), campaign: c, polls, ideas: await ctx.ideas.list(c.id), windowOpen: !!w && w.closedAt === null,
        ideasLink: `/ideas/${display.token}`, flash: FLASH[String(req.query.done)] ?? null, problems, form,
      }),
    );
  }

  r.get('/campaigns/:id/votes', admin, (req, res) => render(req, res));

  r.post('/campaigns/:id/votes/polls', admin, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form = { question: String(body.question ?? ''), options: String(body.options ?? '') };
    const parsed = parsePoll({ campaignId: String(req.params.id), question: form.question, options: optionsFromText(form.options) });
    if (!parsed.ok) return render(req, res, 400, parsed.problems, form);
    try {
      const poll = await ctx.polls.create(parsed.value);
      await recordAudit(ctx, req, 'poll.created', { type: 'poll', id: poll.id }, { campaignId: parsed.value.campaignId, question: parsed.value.question });
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation_failed') return render(req, res, 400, err.details, form);
      throw err;
    }
    res.redirect(303, `/campaigns/${String(req.params.id)}/votes?done=created`);
  });

  r.post('/campaigns/:id/votes/polls/:poll/:action', admin, async (req, res) => {
    const action = String(req.params.action);
    if (action !== 'open' && action !== 'close') throw new AppError('not_found', 'unknown poll action');
    const poll = await ctx.polls.get(String(req.params.poll));
    if (poll.campaignId !== String(req.params.id)) throw new AppError('not_found', 'poll not found in this campaign');
    if (action === 'open') await ctx.polls.open(poll.id);
    else await ctx.polls.close(poll.id);
    await recordAudit(ctx, req, action === 'open' ? 'poll.opened' : 'poll.closed', { type: 'poll', id: poll.id }, { question: poll.question });
    res.redirect(303, `/campaigns/${poll.campaignId}/votes?done=${action === 'open' ? 'opened' : 'closed'}`);
  });

  r.post('/campaigns/:id/votes/ideas/:action', admin, async (req, res) => {
    const id = String(req.params.id);
    if (req.params.action !== 'open' && req.params.action !== 'close') throw new AppError('not_found', 'unknown ideas action');
    if (req.params.action === 'open') await ctx.ideas.open(id);
    else await ctx.ideas.close(id);
    await recordAudit(ctx, req, req.params.action === 'open' ? 'ideas.opened' : 'ideas.closed', { type: 'campaign', id });
    res.redirect(303, `/campaigns/${id}/votes?done=ideas-${req.params.action === 'open' ? 'open' : 'closed'}`);
  });

  r.post('/campaigns/:id/votes/ideas/:idea/:action', admin, async (req, res) => {
    const id = String(req.params.id);
    const idea = await ctx.ideas.find(String(req.params.idea));
    if (idea.campaignId !== id) throw new AppError('not_found', 'idea not found in this campaign');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const action = String(req.params.action);
    if (action === 'approve' || action === 'reject') await ctx.ideas.act(idea.id, action);
    else if (action === 'merge') await ctx.ideas.merge(idea.id, String(body.into ?? ''));
    else if (action === 'edit') await ctx.ideas.edit(idea.id, String(body.text ?? ''));
    else throw new AppError('not_found', 'unknown idea action');
    const done = { approve: 'idea.approved', reject: 'idea.rejected', merge: 'idea.merged', edit: 'idea.edited' } as const;
    await recordAudit(ctx, req, done[action], { type: 'idea', id: idea.id }, action === 'merge' ? { into: String(body.into ?? '') } : {});
    res.redirect(303, `/campaigns/${id}/votes?done=${{ approve: 'approved', reject: 'rejected', merge: 'merged', edit: 'edited' }[action]}`);
  });

  return r;
}
