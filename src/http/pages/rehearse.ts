/**
 * The rehearsal phone simulator. It texts a campaign in-process through the same inbound use case
 * a real text takes (src/usecases/rehearsal/), from a number flagged as a test contact; the
 * conversation is read back from what was recorded and shown as bubbles.
 */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { primaryKeyword, type CampaignRuntime } from '../../core/campaign';
import { toE164 } from '../../core/phone';
import { AppError } from '../../shared/errors';
import { randomTestNumber } from '../../usecases/rehearsal/rehearse';
import type { ConsoleSession } from '../session';
import { pageSession, requirePage } from './guard';
import { html } from './html';
import { consolePage, csrfField } from './layout';

function rehearseUrl(campaignId: string, phone: string): string {
  return `/rehearse?campaign=${encodeURIComponent(campaignId)}&phone=${encodeURIComponent(phone)}`;
}

type Campaign = Pick<CampaignRuntime, 'id' | 'name' | 'sender' | 'keywords'>;

async function page(ctx: AppContext, session: ConsoleSession, campaigns: Campaign[], c: Campaign | undefined, phone: string, error: string | null): Promise<string> {
  const picker = html`<form method="get" action="/rehearse" class="sim-setup">
<div class="field"><label for="sim-campaign">Campaign</label>
<select id="sim-campaign" name="campaign">${campaigns.map(
    (x) => html`<option value="${x.id}"${x.id === c?.id ? html` selected` : ''}>${x.name} (${primaryKeyword(x)} to ${x.sender})</option>`,
  )}</select></div>
<div class="field"><label for="sim-phone">Test phone number</label>
<p class="hint" id="sim-phone-hint">Flagged as a test number: never counted, exported or sent broadcasts.</p>
<input id="sim-phone" name="phone" type="tel" value="${phone}" aria-describedby="sim-phone-hint" spellcheck="false"></div>
<div class="row-actions"><button type="submit" class="secondary">Use this phone</button>
<a class="button secondary" href="/rehearse${c ? `?campaign=${encodeURIComponent(c.id)}` : ''}">New test number</a></div>
</form>`;
  if (!c) {
    return consolePage({
      title: 'Rehearse', session, active: 'rehearse',
      body: html`<h1>Rehearse</h1><p>There is no active campaign to text. <a href="/campaigns/new">Create one</a> first.</p>`,
    });
  }
  const log = await ctx.rehearsal.log(phone, c.sender);
  const bubbles = log.map(
    (b, i) =>
      html`<li class="bubble ${b.from}${b.suppressed ? ' suppressed' : ''}"${i === log.length - 1 ? html` id="latest"` : ''}><span class="visually-hidden">${
        b.from === 'me' ? 'You texted: ' : b.suppressed ? 'Reply not sent (opted out): ' : 'Reply: '}</span>${b.body}${
        b.suppressed ? html`<span class="note">not sent: this number is opted out</span>` : ''}</li>`,
  );
  const quick = [primaryKeyword(c), 'HELP', 'STOP', 'START'];
  const body = html`<h1>Rehearse</h1>
<p>Text the campaign as a supporter would. Every message goes through the same inbound handling as a real text and the real conversation engine.</p>
<div class="sim-layout">
${picker}
<section class="phone" aria-labelledby="phone-title">
<h2 id="phone-title" class="phone-top">Texting <strong>${c.sender}</strong> from <strong>${phone}</strong> <span class="badge">test number</span></h2>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<ol class="bubbles" id="bubbles" aria-label="Conversation" aria-live="polite">${log.length ? bubbles : html`<li class="empty">No messages yet. Text <strong>${primaryKeyword(c)}</strong> to start.</li>`}</ol>
<form method="post" action="/rehearse" class="composer">
${csrfField(session)}
<input type="hidden" name="campaign" value="${c.id}">
<input type="hidden" name="phone" value="${phone}">
<label for="sim-body" class="visually-hidden">Message</label>
<input id="sim-body" name="body" type="text" autocomplete="off" maxlength="1600" placeholder="Type a text…" autofocus>
<button type="submit">Send</button>
</form>
<form method="post" action="/rehearse" class="quick">
${csrfField(session)}
<input type="hidden" name="campaign" value="${c.id}">
<input type="hidden" name="phone" value="${phone}">
<span id="quick-label">Quick texts:</span>
${quick.map((q) => html`<button type="submit" class="secondary" name="quick" value="${q}" aria-describedby="quick-label">${q}</button>`)}
</form>
</section>
</div>`;
  return consolePage({ title: 'Rehearse', session, active: 'rehearse', body });
}

export function rehearsePages(ctx: AppContext): Router {
  const r = Router();
  const admin = requirePage(ctx, 'admin');

  r.get('/rehearse', admin, async (req: Request, res: Response) => {
    const campaigns = await ctx.rehearsal.campaigns();
    const c = campaigns.find((x) => x.id === req.query.campaign) ?? campaigns[0];
    const asked = typeof req.query.phone === 'string' ? toE164(req.query.phone) : null;
    const phone = asked ?? randomTestNumber();
    const error = typeof req.query.phone === 'string' && !asked ? `"${req.query.phone.slice(0, 40)}" is not a phone number; here is a new test number.` : null;
    res.type('html').send(await page(ctx, pageSession(req), campaigns, c, phone, error));
  });

  r.post('/rehearse', admin, async (req: Request, res: Response) => {
    const session = pageSession(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const campaigns = await ctx.rehearsal.campaigns();
    const c = campaigns.find((x) => x.id === b.campaign);
    if (!c) throw new AppError('not_found', 'That campaign is not active.');
    const phone = typeof b.phone === 'string' ? toE164(b.phone) : null;
    if (!phone) throw new AppError('validation_failed', 'The test phone number is not a phone number.');
    const text = (typeof b.quick === 'string' && b.quick !== '' ? b.quick : typeof b.body === 'string' ? b.body : '').slice(0, 1600);
    if (text.trim() === '') return res.redirect(303, rehearseUrl(c.id, phone));
    if ((await ctx.rehearsal.text(phone, c.sender, text)) === 'real_contact') {
      return res.status(409).type('html').send(await page(ctx, session, campaigns, c, phone,
        `${phone} belongs to a real supporter, so the simulator will not text as them. Use a test number.`));
    }
    res.redirect(303, rehearseUrl(c.id, phone));
  });

  return r;
}
