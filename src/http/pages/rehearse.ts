/**
 * The rehearsal phone simulator. It texts the gateway through the real webhook: the server
 * builds Twilio's parameters, signs them with the real twilio signer and the gateway's own auth
 * token against PUBLIC_BASE_URL, and POSTs them over loopback to /twilio/sms on the address this
 * request arrived at. The conversation is read back from the database and shown as bubbles.
 */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { primaryKeyword } from '../../core/campaign';
import { toE164 } from '../../core/phone';
import { AppError } from '../../shared/errors';
import { listCampaigns, type CampaignView } from '../../store/campaigns';
import { claimTestNumber, randomTestNumber, rehearsalLog } from '../../store/rehearsal/sqlite';
import { sendText } from '../../twilio/rehearse';
import type { ConsoleSession } from '../session';
import { pageSession, requirePage } from './guard';
import { html } from './html';
import { consolePage, csrfField } from './layout';

/** The gateway's own listening address, as seen by this request (IPv4, IPv6 or mapped). */
export function selfBaseUrl(req: Request): string {
  const addr = req.socket.localAddress ?? '127.0.0.1';
  const host = addr.startsWith('::ffff:') ? addr.slice(7) : addr.includes(':') ? `[${addr}]` : addr;
  return `http://${host}:${req.socket.localPort}`;
}

function rehearseUrl(campaignId: string, phone: string): string {
  return `/rehearse?campaign=${encodeURIComponent(campaignId)}&phone=${encodeURIComponent(phone)}`;
}

function page(ctx: AppContext, session: ConsoleSession, campaigns: CampaignView[], c: CampaignView | undefined, phone: string, error: string | null): string {
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
  const log = rehearsalLog(ctx.db, phone, c.sender);
  const bubbles = log.map(
    (b, i) =>
      html`<li class="bubble ${b.from}${b.suppressed ? ' suppressed' : ''}"${i === log.length - 1 ? html` id="latest"` : ''}><span class="visually-hidden">${
        b.from === 'me' ? 'You texted: ' : b.suppressed ? 'Reply not sent (opted out): ' : 'Reply: '}</span>${b.body}${
        b.suppressed ? html`<span class="note">not sent: this number is opted out</span>` : ''}</li>`,
  );
  const quick = [primaryKeyword(c), 'HELP', 'STOP', 'START'];
  const body = html`<h1>Rehearse</h1>
<p>Text the campaign as a supporter would. Every message goes through the real webhook (signed like Twilio's) and the real conversation engine.</p>
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

  r.get('/rehearse', admin, (req: Request, res: Response) => {
    const campaigns = listCampaigns(ctx.db);
    const c = campaigns.find((x) => x.id === req.query.campaign) ?? campaigns[0];
    const asked = typeof req.query.phone === 'string' ? toE164(req.query.phone) : null;
    const phone = asked ?? randomTestNumber();
    const error = typeof req.query.phone === 'string' && !asked ? `"${req.query.phone.slice(0, 40)}" is not a phone number; here is a new test number.` : null;
    res.type('html').send(page(ctx, pageSession(req), campaigns, c, phone, error));
  });

  r.post('/rehearse', admin, async (req: Request, res: Response) => {
    const session = pageSession(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const campaigns = listCampaigns(ctx.db);
    const c = campaigns.find((x) => x.id === b.campaign);
    if (!c) throw new AppError('not_found', 'That campaign is not active.');
    const phone = typeof b.phone === 'string' ? toE164(b.phone) : null;
    if (!phone) throw new AppError('validation_failed', 'The test phone number is not a phone number.');
    const text = (typeof b.quick === 'string' && b.quick !== '' ? b.quick : typeof b.body === 'string' ? b.body : '').slice(0, 1600);
    if (text.trim() === '') return res.redirect(303, rehearseUrl(c.id, phone));
    if (claimTestNumber(ctx.db, phone, ctx.newId, ctx.clock.now()) === 'real_contact') {
      return res.status(409).type('html').send(page(ctx, session, campaigns, c, phone,
        `${phone} belongs to a real supporter, so the simulator will not text as them. Use a test number.`));
    }
    const sent = await sendText({
      postUrl: `${selfBaseUrl(req)}/twilio/sms`, signedUrl: `${ctx.config.publicBaseUrl}/twilio/sms`,
      authToken: ctx.config.twilio.authToken, from: phone, to: c.sender, body: text,
    });
    if (sent.status !== 200) {
      ctx.logger.error({ status: sent.status }, 'rehearsal text refused by the webhook');
      return res.status(502).type('html').send(page(ctx, session, campaigns, c, phone, `The webhook answered ${sent.status}. Check PUBLIC_BASE_URL and the logs.`));
    }
    res.redirect(303, rehearseUrl(c.id, phone));
  });

  return r;
}
