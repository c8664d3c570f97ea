/**
 * Exports: one-click CSV downloads with filters, for organizers and volunteers (a volunteer sees
 * only this page). Each form is checked with the exports API's own filter parser, so a problem is
 * shown next to its field; a valid one redirects to /api/exports/<kind>.csv, which streams the
 * file (and writes the audit row) with the same session.
 */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import type { FieldProblem } from '../../core/validation';
import { AppError } from '../../shared/errors';
import { listAudit, type AuditView } from '../../usecases/exports/audit';
import { parseExportFilters, type ExportKind } from '../../usecases/exports/filters';
import { campaignChoices, exportCampaign, type CampaignChoice } from '../../usecases/exports/forms';
import type { ConsoleSession } from '../session';
import { friendlyMessage } from './fields';
import { pageSession, requirePage } from './guard';
import { html, type Html } from './html';
import { consolePage } from './layout';

type FormKind = Exclude<ExportKind, 'broadcast'>;
const KINDS: FormKind[] = ['contacts', 'pledges'];

const TITLES: Record<FormKind, { title: string; blurb: string }> = {
  contacts: { title: 'Contacts', blurb: 'One row per person: phone, name, ZIP, email, status, campaign, pledge total, joined.' },
  pledges: { title: 'Pledges', blurb: 'One row per pledge: amount, frequency, when, and who.' },
};

/** Query parameters the forms send, minus empty ones (an empty date is "no bound"). */
export function cleanQuery(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (k === 'kind' || typeof v !== 'string' || v.trim() === '') continue;
    out[k] = v.trim();
  }
  return out;
}

interface FormState {
  kind: FormKind;
  values: Record<string, string>;
  problems: FieldProblem[];
}

/** What the page shows besides the forms' own state, read before rendering. */
interface PageData {
  campaigns: CampaignChoice[];
  audit: AuditView[] | null;
}

async function pageData(ctx: AppContext, session: ConsoleSession): Promise<PageData> {
  const [campaigns, audit] = await Promise.all([
    campaignChoices(ctx.store),
    session.role === 'admin' ? listAudit(ctx.store, 15) : Promise.resolve(null),
  ]);
  return { campaigns, audit };
}

function exportForm(session: ConsoleSession, campaigns: CampaignChoice[], kind: FormKind, state: FormState | null): Html {
  const v = state?.kind === kind ? state.values : {};
  const problems = state?.kind === kind ? state.problems : [];
  const err = (name: string): Html => {
    const mine = problems.filter((p) => p.path === name || (name === 'campaign' && p.path === ''));
    return mine.length ? html`<p class="error" id="${kind}-${name}-error"><span class="visually-hidden">Error: </span>${mine.map((p) => friendlyMessage(p.message)).join('; ')}</p>` : html``;
  };
  const invalid = (name: string) => (problems.some((p) => p.path === name) ? html` aria-invalid="true" aria-describedby="${kind}-${name}-error"` : '');
  const check = (name: string, label: string) =>
    html`<div class="field checkbox">${err(name)}<input type="checkbox" id="${kind}-${name}" name="${name}" value="1"${v[name] === '1' ? html` checked` : ''}>
<label for="${kind}-${name}">${label}</label></div>`;
  const t = TITLES[kind];
  return html`<section class="panel export" aria-labelledby="${kind}-title">
<h2 id="${kind}-title">${t.title}</h2>
<p class="hint">${t.blurb}</p>
<form method="get" action="/exports/download">
<input type="hidden" name="kind" value="${kind}">
<div class="field">${err('campaign')}<label for="${kind}-campaign">Campaign</label>
<select id="${kind}-campaign" name="campaign"${invalid('campaign')}><option value="">All campaigns</option>${campaigns.map(
    (c) => html`<option value="${c.id}"${v.campaign === c.id ? html` selected` : ''}>${c.name}${c.active ? '' : ' (inactive)'}</option>`,
  )}</select></div>
<div class="grid-2">
<div class="field">${err('since')}<label for="${kind}-since">From (UTC day)</label>
<input type="date" id="${kind}-since" name="since" value="${v.since ?? ''}"${invalid('since')}></div>
<div class="field">${err('until')}<label for="${kind}-until">Through (UTC day)</label>
<input type="date" id="${kind}-until" name="until" value="${v.until ?? ''}"${invalid('until')}></div>
</div>
${check('subscribed', 'Only subscribed people (leave out pending)')}
${kind === 'contacts' ? check('pledged', 'Only people who pledged') : ''}
${session.role === 'admin' ? check('include_opted_out', 'Include people who opted out (organizers only)') : ''}
${check('bom', 'For Excel (UTF-8 byte order mark)')}
<button type="submit">Download ${kind}.csv</button>
</form>
</section>`;
}

function auditTable(rows: AuditView[]): Html {
  if (rows.length === 0) return html`<p>No exports yet.</p>`;
  return html`<div class="table-wrap"><table>
<caption>Latest exports (every download is recorded)</caption>
<thead><tr><th scope="col">Started</th><th scope="col">Export</th><th scope="col">By</th><th scope="col">Filters</th><th scope="col" class="num">Rows</th><th scope="col">Outcome</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td><time datetime="${r.startedAt}">${r.startedAt.slice(0, 16).replace('T', ' ')} UTC</time></td><td>${r.export}</td><td>${r.role}</td>
<td><code>${JSON.stringify(r.filters)}</code></td><td class="num">${r.rowCount.toLocaleString('en-US')}</td><td>${r.outcome}</td></tr>`)}</tbody></table></div>`;
}

function exportsPage(data: PageData, session: ConsoleSession, state: FormState | null, extra: Html = html``): string {
  const body = html`<h1>Exports</h1>
<p>CSV files for calling, texting and door-knocking lists. Opted-out people are left out${session.role === 'admin' ? ' unless you ask' : ''}; rehearsal test numbers never appear.</p>
${state?.problems.length ? html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary"><h2>The ${state.kind} export could not start</h2>
<ul>${state.problems.map((p) => html`<li>${p.path ? `${p.path}: ` : ''}${friendlyMessage(p.message)}</li>`)}</ul></div>` : ''}
<div class="export-grid">${KINDS.map((k) => exportForm(session, data.campaigns, k, state))}</div>
${extra}
${data.audit ? html`<h2>Recent exports</h2>${auditTable(data.audit)}` : ''}`;
  return consolePage({ title: 'Exports', session, active: 'exports', body });
}

/** Optional sections other pages add to the exports page (e.g. broadcast delivery reports). */
export type ExportsExtra = (ctx: AppContext, session: ConsoleSession) => Html | Promise<Html>;
const extras: ExportsExtra[] = [];
export function addExportsSection(section: ExportsExtra): void {
  extras.push(section);
}

export function exportPages(ctx: AppContext): Router {
  const r = Router();
  const anyone = requirePage(ctx, 'admin', 'volunteer');
  const extra = async (session: ConsoleSession) => html`${await Promise.all(extras.map((e) => e(ctx, session)))}`;

  r.get('/exports', anyone, async (req: Request, res: Response) => {
    const session = pageSession(req);
    res.type('html').send(exportsPage(await pageData(ctx, session), session, null, await extra(session)));
  });

  r.get('/exports/download', anyone, async (req: Request, res: Response) => {
    const session = pageSession(req);
    const query = req.query as Record<string, unknown>;
    const kind = query.kind;
    const values = cleanQuery(query);
    if (kind === 'broadcast') {
      const id = values.id;
      delete values.id;
      if (!id) throw new AppError('validation_failed', 'choose a broadcast');
      const parsed = parseExportFilters('broadcast', values);
      if (!parsed.ok) throw new AppError('validation_failed', parsed.problems.map((p) => `${p.path}: ${friendlyMessage(p.message)}`).join('; '));
      return res.redirect(303, `/api/exports/broadcasts/${encodeURIComponent(id)}.csv${Object.keys(values).length ? `?${new URLSearchParams(values)}` : ''}`);
    }
    if (kind !== 'contacts' && kind !== 'pledges') throw new AppError('bad_request', 'unknown export');
    const problems: FieldProblem[] = [];
    const parsed = parseExportFilters(kind, values);
    if (!parsed.ok) problems.push(...parsed.problems);
    if (values.include_opted_out && session.role !== 'admin') problems.push({ path: 'include_opted_out', message: 'only organizers may export opted-out people' });
    if (values.campaign) {
      try {
        await exportCampaign(ctx.store, values.campaign);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        problems.push({ path: 'campaign', message: err.message });
      }
    }
    if (problems.length > 0) {
      const page = exportsPage(await pageData(ctx, session), session, { kind, values, problems }, await extra(session));
      return res.status(400).type('html').send(page);
    }
    const qs = new URLSearchParams(values).toString();
    res.redirect(303, `/api/exports/${kind}.csv${qs ? `?${qs}` : ''}`);
  });

  return r;
}
