/**
 * Broadcast pages: the list, the composer (merge fields, audience filters with a live recipient
 * count, preview samples, save, schedule or send now) and the progress view whose delivery
 * counts update live. Everything goes through the broadcast service the API uses, so the same
 * checks apply and each problem is shown next to the field its path names.
 */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import type { FieldProblem } from '../../core/validation';
import { ownValue } from '../../core/own';
import { AppError } from '../../shared/errors';
import type { BroadcastPreview } from '../../usecases/broadcasts/preview';
import type { BroadcastView } from '../../usecases/broadcasts/service';
import { BROADCAST_FIELDS } from '../../core/broadcast-template';
import { broadcastService } from '../broadcast-service';
import type { ConsoleSession } from '../session';
import { askProblems, broadcastBody, broadcastFormFromBody, blankBroadcastForm, type BroadcastForm } from './broadcast-form';
import { addExportsSection } from './exports';
import { checkboxField, containerErrors, errorSummary, field, FieldErrors, selectField } from './fields';
import { pageSession, requirePage } from './guard';
import { html, type Html } from './html';
import { consolePage, csrfField } from './layout';
import { recordAudit } from '../audit-record';


const BROADCAST_FLASH: Record<string, string> = {
  draft: 'Saved as a draft.', schedule: 'Scheduled.', send: 'Sending started.', pause: 'Paused.', resume: 'Resumed.', cancel: 'Canceled.',
};

const STATUS_LABEL: Record<BroadcastView['status'], string> = {
  draft: 'Draft', scheduled: 'Scheduled', sending: 'Sending', paused: 'Paused', done: 'Done', canceled: 'Canceled',
};

const COUNT_ROWS: [keyof BroadcastView['counts'], string][] = [
  ['total', 'Recipients'], ['pending', 'Not sent yet'], ['waiting', 'Waiting for quiet hours to end'], ['sending', 'Sending'],
  ['queued', 'Queued at Twilio'], ['sent', 'Sent'], ['delivered', 'Delivered'], ['undelivered', 'Undelivered'], ['failed', 'Failed'],
  ['optedOut', 'Opted out since (not sent)'], ['undeliverable', 'Undeliverable number'], ['unknown', 'Unconfirmed'], ['canceled', 'Canceled'],
];

const MERGE_BUTTONS: [string, string][] = [
  ['{{first_name|friend}}', 'First name'], ['{{zip}}', 'ZIP'], ['{{state}}', 'State'], ['{{program}}', 'Program name'],
  ['{{keyword}}', 'Keyword'], ['{{sender}}', 'Sender'],
];

function when(iso: string | null): Html {
  return iso ? html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>` : html`—`;
}

/** Texts handed to Twilio whose delivery receipt has not come back yet. */
export function awaitingReceipts(c: BroadcastView['counts']): number {
  return c.queued + c.sent + c.sending + c.unknown;
}

/** Handled so far: everything that is no longer waiting to be sent. */
export function handled(c: BroadcastView['counts']): number {
  return c.total - c.pending - c.waiting - c.sending;
}

export function previewPanel(p: BroadcastPreview | null, problems: FieldProblem[] = []): Html {
  if (problems.length > 0) {
    return html`<h2>Preview</h2><p class="error">Fix the form to see the recipients and samples:</p>
<ul>${problems.map((x) => html`<li>${x.path ? `${x.path}: ` : ''}${x.message}</li>`)}</ul>`;
  }
  if (!p) return html`<h2>Preview</h2><p class="hint">Choose an audience and write the message to see how many people it reaches and what they get.</p>`;
  const minutes = p.estimatedSeconds < 90 ? `${Math.ceil(p.estimatedSeconds)} seconds` : `${Math.ceil(p.estimatedSeconds / 60)} minutes`;
  return html`<h2>Preview</h2>
<p class="big-count"><strong>${p.recipients.toLocaleString('en-US')}</strong> recipient${p.recipients === 1 ? '' : 's'}</p>
<dl class="pairs">
<dt>Encoding</dt><dd>${p.encoding}${p.encoding === 'UCS-2' ? ' (70 characters a segment)' : ''}</dd>
<dt>Segments a text</dt><dd>${p.segmentsPerMessage.min === p.segmentsPerMessage.max ? p.segmentsPerMessage.min : `${p.segmentsPerMessage.min}–${p.segmentsPerMessage.max}`}</dd>
<dt>Segments in all</dt><dd>${p.totalSegments.toLocaleString('en-US')}</dd>
<dt>Time to send</dt><dd>about ${minutes} at ${p.sendRateMps} segments/s</dd>
${p.quietHours ? html`<dt>Quiet hours</dt><dd>${p.quietHours}; ${p.waitingForQuietHoursNow.toLocaleString('en-US')} would wait if sent now</dd>` : ''}
</dl>
${p.nonGsmCharacters.length ? html`<p class="hint">Characters that force UCS-2: ${p.nonGsmCharacters.map((c) => html`<code>${c.char}</code> `)}</p>` : ''}
${p.warnings.length ? html`<ul class="warnings">${p.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
${p.samples.length ? html`<h3>Samples</h3><ol class="bubbles log samples">${p.samples.map(
    (s) => html`<li class="bubble them"><span class="visually-hidden">To ${s.firstName ?? 'a supporter'}: </span>${s.body}<span class="note">to ${s.firstName ?? '(no name)'} · ${s.phone} · ${s.characters} characters · ${s.segments} segment${s.segments === 1 ? '' : 's'}</span></li>`,
  )}</ol>` : ''}`;
}

interface ComposeOptions {
  session: ConsoleSession;
  form: BroadcastForm;
  problems: FieldProblem[];
  preview: BroadcastPreview | null;
  footerText: string;
  campaigns: { id: string; name: string; keyword: string }[];
}

function composePage(o: ComposeOptions): string {
  const fe = new FieldErrors(o.problems);
  const f = o.form;
  const campaignsBox = o.campaigns.map(
    (c, i) => html`<div class="field checkbox"><input type="checkbox" id="aud-c-${i}" name="audience.campaigns" value="${c.id}"${f.campaigns.includes(c.id) ? html` checked` : ''}>
<label for="aud-c-${i}">${c.name} <span class="muted">(${c.keyword})</span></label></div>`,
  );
  const messageFields = html`${field(fe, { name: 'name', label: 'Broadcast name', value: f.name, hint: 'For organizers only, e.g. "Canvass reminder, Saturday"' })}
${field(fe, { name: 'template', label: 'Message', value: f.template, message: true, rows: 5, hint: `Merge fields: ${BROADCAST_FIELDS.map((x) => `{{${x}}}`).join(', ')}; {{first_name|friend}} falls back to "friend".` })}
<div class="merge-buttons" hidden><span id="merge-label">Insert:</span> ${MERGE_BUTTONS.map(([v, l]) => html`<button type="button" class="secondary small" data-insert="${v}" aria-describedby="merge-label">${l}</button>`)}</div>
${checkboxField(fe, { name: 'footer', label: `Add the opt-out footer: “${o.footerText}”`, checked: f.footer, hint: 'Recommended for every marketing text.' })}`;
  const a = f.ask;
  const askSet = html`<fieldset id="ask" aria-labelledby="ask-legend"><legend id="ask-legend">Ask a question (optional)</legend>
<p class="hint">Turn the message into a question. Each reply is saved on the contact and counted on the broadcast's page. STOP and HELP always work; a keyword such as JOIN still starts its own conversation.</p>
${selectField(fe, { name: 'ask.kind', label: 'Replies', value: a.kind, options: [['', 'No question: just the message'], ['yesno', 'Yes/no RSVP (e.g. "Can you canvass Saturday? Reply YES or NO")'], ['choice', 'Multiple choice (e.g. "Reply 1 for morning, 2 for afternoon")']] })}
<div data-ask-any>
${field(fe, { name: 'ask.capture', label: 'Save the answer as', value: a.capture, hint: 'A field name on the contact: lower-case letters, digits and _, e.g. canvass_sat' })}
</div>
<div class="grid-2" data-for-ask="yesno">
${field(fe, { name: 'ask.yes', label: 'Reply to YES', value: a.yes, message: true, rows: 2, placeholder: 'Thanks {{first_name|friend}}! See you Saturday at 10.' })}
${field(fe, { name: 'ask.no', label: 'Reply to NO', value: a.no, message: true, rows: 2, placeholder: 'Thanks anyway!' })}
</div>
<div data-for-ask="choice">
${field(fe, { name: 'ask.options', label: 'Choices, one a line (for multiple choice)', value: a.options, message: false, multiline: true, hint: 'value | label — e.g. "am | morning". People may reply with the number, the value or the label.', className: 'options' })}
${field(fe, { name: 'ask.thanks', label: 'Reply to an answer (for multiple choice)', value: a.thanks, message: true, rows: 2, placeholder: 'Thanks! We saved your answer: {{canvass_shift}}' })}
</div>
<div data-ask-any>
${field(fe, { name: 'ask.reprompt', label: 'Reply when the answer does not fit (optional)', value: a.reprompt, message: true, rows: 2, hint: 'Blank: "Sorry, please reply YES or NO." or "Sorry, please reply with a number 1-N."' })}
</div>
</fieldset>`;
  const audienceCampaigns = html`<fieldset id="aud-campaigns" aria-labelledby="aud-campaigns-legend"><legend id="aud-campaigns-legend">Campaigns</legend>
${containerErrors(fe, 'audience.campaigns', 'aud-campaigns', 'Campaigns')}${campaignsBox}</fieldset>`;
  const filters = html`<div class="grid-2">
${field(fe, { name: 'audience.keywords', label: 'Only people who joined with these keywords', value: f.keywords, hint: 'e.g. JOIN, RALLY; blank for any' })}
${selectField(fe, { name: 'audience.completed', label: 'Finished the sign-up conversation', value: f.completed, options: [['', 'Either'], ['yes', 'Yes'], ['no', 'No']] })}
${selectField(fe, { name: 'audience.pledged', label: 'Pledged', value: f.pledged, options: [['', 'Either'], ['yes', 'Yes'], ['no', 'No']] })}
${field(fe, { name: 'audience.zipPrefix', label: 'ZIP starts with', value: f.zipPrefix, inputmode: 'numeric', hint: 'e.g. 606 for Chicago' })}
${field(fe, { name: 'audience.state', label: 'State', value: f.state, hint: 'two letters, e.g. IL' })}
<div></div>
${field(fe, { name: 'audience.joinedAfter', label: 'Joined on or after (UTC day)', value: f.joinedAfter, placeholder: '2026-11-21' })}
${field(fe, { name: 'audience.joinedBefore', label: 'Joined before (UTC day)', value: f.joinedBefore, placeholder: '2026-11-22' })}
</div>`;
  const scheduleErrors = fe.take('sendAt', 'f-sendAtLocal', 'Send at');
  const leftovers = containerErrors(fe, 'audience', 'audience', 'Audience');
  const summary = errorSummary(fe);
  const body = html`<p class="breadcrumb"><a href="/broadcasts">Broadcasts</a></p>
<h1>New broadcast</h1>
${summary}
<div class="editor-layout">
<form method="post" action="/broadcasts/new" id="compose" class="compose" novalidate data-preview="/broadcasts/preview">
${csrfField(o.session)}
<button type="submit" name="op" value="preview" class="visually-hidden" tabindex="-1" aria-hidden="true">Preview</button>
<fieldset aria-labelledby="msg-legend"><legend id="msg-legend">Message</legend>${messageFields}</fieldset>
${askSet}
<fieldset id="audience" aria-labelledby="aud-legend"><legend id="aud-legend">Audience</legend>
<p class="hint">Only subscribed people: never opted-out, pending, undeliverable or rehearsal test numbers.</p>
${leftovers}
${audienceCampaigns}
${filters}
<p class="live-count" id="live-count" role="status" aria-live="polite">${o.preview ? `${o.preview.recipients.toLocaleString('en-US')} recipients` : ''}</p>
<button type="submit" class="secondary" name="op" value="preview">Preview recipients and samples</button>
</fieldset>
<fieldset aria-labelledby="send-legend"><legend id="send-legend">Send</legend>
<div class="row-actions">
<button type="submit" class="secondary" name="op" value="draft">Save as draft</button>
<button type="submit" class="danger" name="op" value="send" data-confirm="Send this broadcast now to every recipient?">Send now</button>
</div>
<div class="field${scheduleErrors.length ? ' has-error' : ''}">
<label for="f-sendAtLocal">Or schedule for</label>
<p class="hint" id="f-sendAtLocal-hint">Your browser's local time (UTC if JavaScript is off). Quiet hours still apply per recipient.</p>
${scheduleErrors.length ? html`<p class="error" id="f-sendAtLocal-error"><span class="visually-hidden">Error: </span>${scheduleErrors.join('; ')}</p>` : ''}
<input type="datetime-local" id="f-sendAtLocal" name="sendAtLocal" aria-describedby="f-sendAtLocal-hint${scheduleErrors.length ? ' f-sendAtLocal-error' : ''}">
<input type="hidden" name="sendAt" value="">
</div>
<button type="submit" class="secondary" name="op" value="schedule">Schedule</button>
</fieldset>
</form>
<aside class="panel" id="preview-panel" aria-live="polite">${previewPanel(o.preview)}</aside>
</div>`;
  return consolePage({ title: 'New broadcast', session: o.session, active: 'broadcasts', body, scripts: ['segments.js', 'broadcast.js'] });
}

function listPage(session: ConsoleSession, list: BroadcastView[]): string {
  const rows = list.map(
    (b) => html`<tr><th scope="row"><a href="/broadcasts/${b.id}">${b.name}</a></th><td><span class="badge status-b-${b.status}">${STATUS_LABEL[b.status]}</span></td>
<td class="num">${b.counts.total.toLocaleString('en-US')}</td><td class="num">${b.counts.delivered.toLocaleString('en-US')}</td>
<td class="num">${(b.counts.failed + b.counts.undelivered).toLocaleString('en-US')}</td><td>${when(b.sendAt)}</td><td>${when(b.createdAt)}</td></tr>`,
  );
  const body = html`<div class="page-head"><h1>Broadcasts</h1><a class="button" href="/broadcasts/new">New broadcast</a></div>
${list.length === 0 ? html`<p>No broadcasts yet.</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Broadcast</th><th scope="col">Status</th><th scope="col" class="num">Recipients</th><th scope="col" class="num">Delivered</th><th scope="col" class="num">Failed</th><th scope="col">Scheduled for</th><th scope="col">Created</th></tr></thead>
<tbody>${rows}</tbody></table></div>`}`;
  return consolePage({ title: 'Broadcasts', session, active: 'broadcasts', body });
}

/** A yes/no or choice answer as organizers read it ("yes", "am — morning"). */
function answerLabel(step: NonNullable<BroadcastView['flow']>['steps'][number], value: string): string {
  if (step.validate.type !== 'choice') return value;
  const o = step.validate.options.find((x) => x.value === value);
  return o?.label ? `${value} — ${o.label}` : value;
}

/** The tracked links the text carries ({{link:…}}) and how often each was followed. */
export function linksSection(b: BroadcastView): Html {
  const d = b.donationLinks;
  if (b.links.length === 0 && d.sent === 0) return html``;
  const rows = b.links.map((l) => html`<tr><td><a href="${l.target}" rel="noreferrer">${l.target}</a></td><td><code>${l.url}</code></td><td class="num">${l.clicks.toLocaleString('en-US')}</td></tr>`);
  // Each recipient's own donation link ({{donation_link}}): one row for all of them.
  if (d.sent > 0) {
    rows.push(html`<tr><td>Each recipient's donation form (${d.clicked.toLocaleString('en-US')} of ${d.sent.toLocaleString('en-US')} followed)</td><td>one per recipient</td><td class="num">${d.clicks.toLocaleString('en-US')}</td></tr>`);
  }
  return html`<section aria-labelledby="links-title"><h2 id="links-title">Links</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">Goes to</th><th scope="col">Short link</th><th scope="col" class="num">Clicks</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

/** The answers so far, question by question: counts and shares, most frequent first. */
export function answersSection(b: BroadcastView): Html {
  const flow = b.flow;
  if (!flow) return html``;
  const tables = flow.steps.map((step, i) => {
    const counts = Object.entries(b.answersByStep[step.id] ?? {}).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
    const total = counts.reduce((n, [, c]) => n + c, 0);
    const rows = counts.map(
      ([value, n]) => html`<tr><th scope="row">${answerLabel(step, value)}</th><td class="num" data-answer="${step.id}:${value}">${n.toLocaleString('en-US')}</td><td class="num">${
        total ? `${Math.round((n * 100) / total)}%` : ''}</td></tr>`,
    );
    return html`<div class="table-wrap"><table class="answers"><caption>${i === 0 ? 'The question' : `Then: ${step.id}`} — <span class="muted">${step.prompt}</span> (saved as <code>${step.capture}</code>)</caption>
<thead><tr><th scope="col">Answer</th><th scope="col" class="num">People</th><th scope="col" class="num">Share</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="3">No answers yet.</td></tr>`}</tbody></table></div>`;
  });
  return html`<section class="answers" id="answers" aria-labelledby="answers-title" aria-live="polite"><h2 id="answers-title">Answers</h2>
<p class="hint">Each recipient's latest answer; answers are also saved on the contact. Replies after someone texts STOP, or after the question expires, are not counted.</p>
${tables}</section>`;
}

function progressPage(session: ConsoleSession, b: BroadcastView, flash: string | null): string {
  const c = b.counts;
  const active = b.status === 'sending' || b.status === 'scheduled' || b.status === 'paused' || (b.status === 'done' && awaitingReceipts(c) > 0);
  // Every action is rendered; those that do not apply to the current status are hidden, and the
  // page's script shows the right ones as the status changes under it.
  const action = (op: string, label: string, when: BroadcastView['status'][], cls = 'secondary', confirm?: string) =>
    html`<form method="post" action="/broadcasts/${b.id}/action" data-when="${when.join(' ')}"${when.includes(b.status) ? '' : html` hidden`}>${csrfField(session)}<button type="submit" class="${cls}" name="op" value="${op}"${
      confirm ? html` data-confirm="${confirm}"` : ''}>${label}</button></form>`;
  const buttons = [
    action('send', 'Send now', ['draft', 'scheduled'], 'danger', 'Send this broadcast now to every recipient?'),
    action('pause', 'Pause', ['sending', 'scheduled']),
    action('resume', 'Resume', ['paused']),
    action('cancel', 'Cancel broadcast', ['draft', 'scheduled', 'sending', 'paused'], 'secondary danger', 'Cancel? Texts not sent yet will not be sent.'),
  ];
  const body = html`<p class="breadcrumb"><a href="/broadcasts">Broadcasts</a></p>
<h1>${b.name}</h1>
<div class="broadcast-progress"${active ? html` data-poll="/api/broadcasts/${b.id}"` : ''}>
<p>Status: <strong id="bc-status">${STATUS_LABEL[b.status]}</strong>${b.sendAt ? html` · scheduled for ${when(b.sendAt)}` : ''}${b.startedAt ? html` · started ${when(b.startedAt)}` : ''}${b.finishedAt ? html` · finished ${when(b.finishedAt)}` : ''}</p>
${b.lastError ? html`<p class="error">${b.lastError}</p>` : ''}
<label for="bc-progress">Handled: <span id="bc-handled">${handled(c).toLocaleString('en-US')}</span> of <span data-count="total">${c.total.toLocaleString('en-US')}</span></label>
<progress id="bc-progress" max="${Math.max(1, c.total)}" value="${handled(c)}"></progress>
<div class="table-wrap"><table class="counts"><caption class="visually-hidden">Delivery counts</caption><tbody>
${COUNT_ROWS.filter(([k]) => k !== 'total').map(([k, label]) => html`<tr><th scope="row">${label}</th><td class="num" data-count="${k}">${(c[k] as number).toLocaleString('en-US')}</td></tr>`)}
</tbody></table></div>
${Object.keys(c.errors).length ? html`<p>Error codes: ${Object.entries(c.errors).map(([code, n]) => html`<code>${code}</code> × ${n} `)}</p>` : ''}
</div>
<div class="row-actions">${buttons}</div>
${answersSection(b)}
${linksSection(b)}
<h2>${b.flow ? 'Question' : 'Message'}</h2>
<ol class="bubbles log"><li class="bubble them">${b.template}${b.footerText ? `\n${b.footerText}` : ''}</li></ol>
<p><a href="/exports/download?kind=broadcast&amp;id=${b.id}">Download the delivery report (CSV)</a></p>`;
  return consolePage({ title: b.name, session, active: 'broadcasts', body, flash, scripts: ['broadcast.js'] });
}

addExportsSection(async (ctx, session) => {
  const list = (await broadcastService(ctx).list()).filter((b) => b.status !== 'draft');
  if (list.length === 0) return html``;
  return html`<section class="panel export" aria-labelledby="bc-export-title"><h2 id="bc-export-title">Broadcast delivery reports</h2>
<form method="get" action="/exports/download"><input type="hidden" name="kind" value="broadcast">
<div class="field"><label for="broadcast-id">Broadcast</label><select id="broadcast-id" name="id">${list.map((b) => html`<option value="${b.id}">${b.name} (${STATUS_LABEL[b.status]})</option>`)}</select></div>
<div class="field"><label for="broadcast-status">Only recipients in status</label><select id="broadcast-status" name="status"><option value="">Any</option>${
    ['delivered', 'undelivered', 'failed', 'sent', 'queued', 'unknown', 'opted_out', 'undeliverable', 'canceled', 'pending'].map((s) => html`<option value="${s}">${s}</option>`)}</select></div>
${session.role === 'admin' ? html`<div class="field checkbox"><input type="checkbox" id="broadcast-include_opted_out" name="include_opted_out" value="1"><label for="broadcast-include_opted_out">Include people who opted out</label></div>` : ''}
<button type="submit">Download report</button></form></section>`;
});

export function broadcastPages(ctx: AppContext): Router {
  const r = Router();
  const admin = requirePage(ctx, 'admin');
  const svc = broadcastService(ctx);
  const campaigns = () => svc.campaignChoices();
  const compose = async (session: ConsoleSession, form: BroadcastForm, problems: FieldProblem[], preview: BroadcastPreview | null) =>
    composePage({ session, form, problems, preview, footerText: ctx.config.broadcastFooter, campaigns: await campaigns() });

  r.get('/broadcasts', admin, async (req: Request, res: Response) => {
    res.type('html').send(listPage(pageSession(req), await svc.list()));
  });

  r.get('/broadcasts/new', admin, async (req: Request, res: Response) => {
    const form = blankBroadcastForm((await campaigns()).map((c) => c.id));
    res.type('html').send(await compose(pageSession(req), form, [], null));
  });

  /** The composer's live preview: the form as posted, the panel as HTML (rendered and escaped here). */
  r.post('/broadcasts/preview', admin, async (req: Request, res: Response) => {
    const form = broadcastFormFromBody((req.body ?? {}) as Record<string, unknown>);
    const { name: _name, ...draft } = broadcastBody(form, false);
    try {
      const p = await svc.previewDraft(draft);
      res.json({ recipients: p.recipients, html: previewPanel(p).value });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation_failed') throw err;
      const problems = askProblems(err.details, form.ask.kind);
      res.status(200).json({ recipients: null, problems, html: previewPanel(null, problems).value });
    }
  });

  r.post('/broadcasts/new', admin, async (req: Request, res: Response) => {
    const session = pageSession(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const form = broadcastFormFromBody(b);
    const op = typeof b.op === 'string' ? b.op : 'preview';
    try {
      if (op === 'preview') {
        const { name: _name, ...draft } = broadcastBody(form, false);
        const p = await svc.previewDraft(draft);
        return res.type('html').send(await compose(session, form, [], p));
      }
      if (op !== 'draft' && op !== 'schedule' && op !== 'send') throw new AppError('bad_request', 'unknown action');
      if (op === 'schedule' && !form.sendAt) {
        return res.status(400).type('html').send(await compose(session, form, [{ path: 'sendAt', message: 'choose when to send it' }], null));
      }
      let view = await svc.create(broadcastBody(form, op === 'schedule'));
      const target = { type: 'broadcast', id: view.id };
      await recordAudit(ctx, req, 'broadcast.created', target, { name: view.name, status: view.status });
      if (op === 'schedule') await recordAudit(ctx, req, 'broadcast.scheduled', target, { name: view.name, sendAt: view.sendAt });
      if (op === 'send') {
        view = await svc.send(view.id);
        await recordAudit(ctx, req, 'broadcast.sent', target, { name: view.name, status: view.status });
      }
      ctx.logger.info({ broadcastId: view.id, status: view.status, via: 'console' }, 'broadcast created');
      res.redirect(303, `/broadcasts/${view.id}?done=${op}`);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation_failed') throw err;
      res.status(400).type('html').send(await compose(session, form, askProblems(err.details, form.ask.kind), null));
    }
  });

  r.get('/broadcasts/:id', admin, async (req: Request, res: Response) => {
    const flash = ownValue(BROADCAST_FLASH, String(req.query.done)) ?? null;
    res.type('html').send(progressPage(pageSession(req), await svc.get(String(req.params.id)), flash));
  });

  r.post('/broadcasts/:id/action', admin, async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const op = (req.body as Record<string, unknown> | undefined)?.op;
    const act = op === 'send' ? svc.send.bind(svc) : op === 'pause' ? svc.pause.bind(svc) : op === 'resume' ? svc.resume.bind(svc) : op === 'cancel' ? svc.cancel.bind(svc) : null;
    if (!act) throw new AppError('bad_request', 'unknown action');
    const view = await act(id);
    const action = op === 'send' ? 'broadcast.sent' : op === 'pause' ? 'broadcast.paused' : op === 'resume' ? 'broadcast.resumed' : 'broadcast.cancelled';
    await recordAudit(ctx, req, action, { type: 'broadcast', id: view.id }, { name: view.name, status: view.status });
    ctx.logger.info({ broadcastId: id, op, via: 'console' }, 'broadcast action');
    res.redirect(303, `/broadcasts/${id}?done=${op}`);
  });

  return r;
}
