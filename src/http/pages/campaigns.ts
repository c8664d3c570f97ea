/**
 * Campaign pages: the list, the editor (create and edit through the same parser and repository
 * as the API), and the live-screen controls (display link, "tonight" start, goal progress).
 */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { parseCampaign, primaryKeyword } from '../../core/campaign';
import { formatCents } from '../../core/money';
import { ownValue } from '../../core/own';
import type { FieldProblem } from '../../core/validation';
import { AppError } from '../../shared/errors';
import { CampaignService, MAX_GOAL_CENTS, type CampaignView } from '../../usecases/campaigns/campaigns';
import { LIVE_ACTIONS, LiveScreens, type LiveAction } from '../../usecases/live/screens';
import { applyEdit, campaignInputFromForm, formFromBody, formFromCampaign, mergeProblems, newCampaignForm, type CampaignForm } from './campaign-form';
import { renderCampaignEditor } from './campaign-editor';
import { pageSession, requirePage } from './guard';
import { html, type Html } from './html';
import { consolePage, csrfField } from './layout';
import type { ConsoleSession } from '../session';
import { recordAudit } from '../audit-record';
import { pledgePanel } from './pledge-panel';
import { referralsPanel } from './referrals-panel';

const FLASH: Record<string, string> = {
  'count-now': "Tonight's count starts now.",
  rolling: 'The live screen counts the last 12 hours.',
  rotate: 'The display link was replaced; screens showing the old link have stopped.',
  deactivated: 'Campaign deactivated. Its keywords no longer answer.',
};

function timeTag(iso: string): Html {
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

interface Jobs {
  campaigns: CampaignService;
  live: LiveScreens;
}

async function listPage(jobs: Jobs, session: ConsoleSession, showAll: boolean): Promise<string> {
  const campaigns = await jobs.campaigns.list(showAll);
  const counts = await jobs.campaigns.counts();
  const rows = campaigns.map((c) => {
    const n = counts.get(c.id) ?? { joined: 0, completed: 0, optedOut: 0 };
    return html`<tr>
<th scope="row"><a href="/campaigns/${c.id}">${c.name}</a>${c.active ? '' : html` <span class="badge">inactive</span>`}</th>
<td>${c.programName}</td>
<td><code>${c.sender}</code></td>
<td>${c.keywords.map((k, i) => html`${i ? ', ' : ''}<strong>${k.word}</strong>${k.aliases.length ? ` (${k.aliases.join(', ')})` : ''}`)}</td>
<td class="num">${n.joined.toLocaleString('en-US')}</td>
<td class="num">${n.completed.toLocaleString('en-US')}</td>
<td class="num">${n.optedOut.toLocaleString('en-US')}</td>
</tr>`;
  });
  const body = html`<div class="page-head"><h1>Campaigns</h1><a class="button" href="/campaigns/new">New campaign</a></div>
${campaigns.length === 0
    ? html`<p>No campaigns yet. <a href="/campaigns/new">Create the first one</a>.</p>`
    : html`<div class="table-wrap"><table>
<caption class="visually-hidden">Campaigns with their people (test numbers excluded)</caption>
<thead><tr><th scope="col">Campaign</th><th scope="col">Program</th><th scope="col">Sender</th><th scope="col">Keywords (aliases)</th>
<th scope="col" class="num">Joined</th><th scope="col" class="num">Completed</th><th scope="col" class="num">Opted out</th></tr></thead>
<tbody>${rows}</tbody></table></div>`}
<p class="hint">Counts are all-time and leave out the rehearsal simulator's test numbers.
${showAll ? html`<a href="/campaigns">Hide inactive campaigns</a>` : html`<a href="/campaigns?all=1">Show inactive campaigns</a>`}</p>`;
  return consolePage({ title: 'Campaigns', session, active: 'campaigns', body });
}

async function livePanel(ctx: AppContext, jobs: Jobs, session: ConsoleSession, c: CampaignView): Promise<Html> {
  const { display, stats } = await jobs.live.panel(c.id);
  const link = `${ctx.config.publicBaseUrl}/live/${display.token}`;
  const pct = stats.goalCents > 0 ? Math.min(100, Math.floor((stats.pledgedCents / stats.goalCents) * 100)) : null;
  return html`<aside class="panel" aria-labelledby="live-title">
<h2 id="live-title">Live rally screen</h2>
<p>Tonight so far: <strong>${stats.joined.toLocaleString('en-US')}</strong> joined,
<strong>${stats.completed.toLocaleString('en-US')}</strong> completed,
<strong>${formatCents(stats.pledgedCents)}</strong> pledged monthly${pct === null ? '' : html` (${pct}% of ${formatCents(stats.goalCents)})`}.</p>
<p class="hint">Counting ${display.countingFrom ? html`from ${timeTag(display.countingFrom)}` : 'the last 12 hours'}. Test numbers never count.</p>
<div class="field"><label for="live-link">Display link (no sign-in needed: give it only to whoever runs the screen)</label>
<input id="live-link" type="text" readonly value="${link}" spellcheck="false"></div>
<p><a class="button" href="/live/${display.token}" target="_blank" rel="noopener">Open the live screen</a></p>
<p><a href="/campaigns/${c.id}/votes">Polls and ideas</a> (the screen shows the open poll and the top ideas)</p>
<form method="post" action="/campaigns/${c.id}/live" class="stack">
${csrfField(session)}
<button type="submit" class="secondary" name="op" value="count-now">Start tonight's count now</button>
<button type="submit" class="secondary" name="op" value="rolling">Count the last 12 hours</button>
<button type="submit" class="secondary danger" name="op" value="rotate" data-confirm="Replace the display link? Screens showing the old link stop updating.">Replace the display link</button>
</form>
<p class="hint">Keyword to show: <strong>${primaryKeyword(c)}</strong> to <strong>${c.sender}</strong>.</p>
${c.active
    ? html`<form method="post" action="/campaigns/${c.id}/deactivate" class="stack">
${csrfField(session)}
<button type="submit" class="secondary danger" data-confirm="Deactivate this campaign? Its keywords stop answering; its data is kept.">Deactivate campaign</button>
</form>`
    : html`<p><span class="badge">inactive</span> This campaign no longer answers its keywords.</p>`}
</aside>`;
}

type SaveResult = { ok: true; id: string } | { ok: false; problems: FieldProblem[] };

async function save(jobs: Jobs, existing: CampaignView | null, form: CampaignForm): Promise<SaveResult> {
  const conv = campaignInputFromForm(form);
  const parsed = parseCampaign(conv.input);
  const problems = mergeProblems(conv.problems, parsed.ok ? [] : parsed.problems);
  if (problems.length > 0 || !parsed.ok) return { ok: false, problems };
  const spec = parsed.value;
  // Referral settings as they were: send none, so the stored ones stay exactly as stored (omitted keeps).
  if (existing && spec.referrals && JSON.stringify(spec.referrals) === JSON.stringify(existing.referrals)) delete spec.referrals;
  try {
    const saved = existing
      ? await jobs.campaigns.update(existing.id, spec, 'console', conv.goalCents)
      : await jobs.campaigns.create(spec, conv.goalCents, 'console');
    return { ok: true, id: saved.id };
  } catch (err) {
    if (err instanceof AppError && (err.code === 'conflict' || err.code === 'validation_failed')) {
      return { ok: false, problems: err.details.length > 0 ? err.details : [{ path: '', message: err.message }] };
    }
    throw err;
  }
}

export function campaignPages(ctx: AppContext): Router {
  const r = Router();
  const admin = requirePage(ctx, 'admin');
  const jobs: Jobs = { campaigns: new CampaignService(ctx), live: new LiveScreens({ ...ctx, hub: ctx.live }) };

  r.get('/campaigns', admin, async (req: Request, res: Response) => {
    res.type('html').send(await listPage(jobs, pageSession(req), req.query.all === '1'));
  });

  r.get('/campaigns/new', admin, (req: Request, res: Response) => {
    res.type('html').send(renderCampaignEditor({ session: pageSession(req), form: newCampaignForm(), problems: [], campaign: null }));
  });

  const submit = (existing: (req: Request) => Promise<CampaignView | null>) => async (req: Request, res: Response) => {
    const session = pageSession(req);
    const campaign = await existing(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form = formFromBody(body);
    const op = typeof body.op === 'string' ? body.op : 'save';
    const aside = campaign ? await livePanel(ctx, jobs, session, campaign) : undefined;
    if (op !== 'save') {
      const edited = applyEdit(form, op);
      if (!edited) throw new AppError('bad_request', `unknown editor action "${op.slice(0, 40)}"`);
      return res.type('html').send(renderCampaignEditor({ session, form: edited.form, problems: [], campaign, focus: edited.focus, aside }));
    }
    const result = await save(jobs, campaign, form);
    if (!result.ok) {
      return res.status(400).type('html').send(renderCampaignEditor({ session, form, problems: result.problems, campaign, aside }));
    }
    await recordAudit(ctx, req, campaign ? 'campaign.edited' : 'campaign.created', { type: 'campaign', id: result.id }, {
      name: form.name, ...(campaign ? { change: 'saved' } : {}),
    });
    res.redirect(303, `/campaigns/${result.id}?saved=1`);
  };

  r.post('/campaigns/new', admin, submit(async () => null));

  r.get('/campaigns/:id', admin, async (req: Request, res: Response) => {
    const session = pageSession(req);
    const c = await jobs.campaigns.get(String(req.params.id));
    const flash = req.query.saved === '1' ? 'Campaign saved. Its keywords answer now.' : ownValue(FLASH, String(req.query.done)) ?? null;
    res.type('html').send(renderCampaignEditor({ session, form: formFromCampaign(c), problems: [], campaign: c, flash, aside: html`${await livePanel(ctx, jobs, session, c)}${await pledgePanel(ctx, c.id)}${await referralsPanel(ctx, c.id)}` }));
  });

  r.post('/campaigns/:id', admin, submit((req) => jobs.campaigns.get(String(req.params.id))));

  r.post('/campaigns/:id/live', admin, async (req: Request, res: Response) => {
    const c = await jobs.campaigns.get(String(req.params.id));
    const op = (req.body as Record<string, unknown> | undefined)?.op;
    if (!LIVE_ACTIONS.includes(op as LiveAction)) throw new AppError('bad_request', 'unknown live screen action');
    await jobs.live.act(c.id, op as LiveAction);
    res.redirect(303, `/campaigns/${c.id}?done=${String(op)}`);
  });

  r.post('/campaigns/:id/deactivate', admin, async (req: Request, res: Response) => {
    const c = await jobs.campaigns.deactivate(String(req.params.id), 'console');
    await recordAudit(ctx, req, 'campaign.edited', { type: 'campaign', id: c.id }, { name: c.name, change: 'deactivated' });
    res.redirect(303, `/campaigns/${c.id}?done=deactivated`);
  });

  return r;
}
