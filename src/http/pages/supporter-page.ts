/**
 * The supporter's page, /p/<token> (issue 13): public (the unguessable token is the secret), one
 * small HTML document with inline CSS (no framework, no script, a few KB), readable on a phone:
 * their first name, a thermometer of friends recruited against their goal, the friends' monthly
 * pledges, and a share link (sms: with the join text filled in). Cacheable with an ETag, but
 * revalidated on every view (no-cache) so a STOP hides it at once; private (it carries a name).
 * An unknown token and an opted-out supporter's token get the same bare 404.
 */
import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../../wiring/context';
import { formatCents } from '../../core/money';
import { supporterPage, type SupporterPageView } from '../../usecases/referrals/page';
import { html, raw } from './html';
import { senderForPeople } from './live';

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:17px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f4ef;color:#1d1d1f}
main{max-width:28rem;margin:0 auto;padding:1.25rem}h1{font-size:1.6rem;margin:.2rem 0 1rem}
.prog{color:#5a5a5f;font-size:.95rem;margin:0}.card{background:#fff;border-radius:14px;padding:1rem 1.1rem;box-shadow:0 1px 3px #0002;margin-bottom:1rem}
.thermo{height:1.4rem;background:#e7e3da;border-radius:.7rem;overflow:hidden}.fill{height:100%;background:#d6452b;border-radius:.7rem}
.big{font-size:2.2rem;font-weight:700;margin:.2rem 0}.muted{color:#5a5a5f;font-size:.95rem}
.share{display:block;text-align:center;background:#1d1d1f;color:#fff;text-decoration:none;padding:.85rem;border-radius:12px;font-weight:600}
code{font-size:1.1rem;background:#f0ede6;padding:.1rem .35rem;border-radius:6px}`;

function render(p: SupporterPageView) {
  const team = p.kind === 'team';
  const goal = p.goal ?? Math.max(5, p.recruits);
  const unit = team ? 'member' : 'friend';
  const pct = Math.min(100, Math.round((p.recruits / goal) * 100));
  const body = encodeURIComponent(p.joinText);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${team ? p.teamName : (p.firstName ?? 'My')} · ${p.programName}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<main>
  <p class="prog">${p.programName}</p>
  <h1>${team ? `Team ${p.teamName}` : `${p.firstName ? `${p.firstName}'s` : 'My'} friends`}</h1>
  <section class="card" aria-label="${team ? 'Members' : 'Friends recruited'}">
    <p class="big" id="recruits">${p.recruits} <span class="muted">of ${goal} ${unit}${goal === 1 ? '' : 's'}</span></p>
    <div class="thermo" role="meter" aria-valuemin="0" aria-valuemax="${goal}" aria-valuenow="${p.recruits}"><div class="fill" style="width:${pct}%"></div></div>
    <p class="muted">${team ? (p.goal === null ? '' : `The team's goal: ${p.goal}.`) : p.goal === null ? 'Reply GOAL 10 to set your own goal.' : `Your goal: ${p.goal}.`}</p>
  </section>
  <section class="card" aria-label="Monthly pledges">
    <p class="big" id="pledged">${formatCents(p.pledgedCents)}</p>
    <p class="muted">${team ? 'a month pledged by the team' : 'a month pledged by the friends you brought'}</p>
  </section>
  <section class="card">
    <p>Friends text <code>${p.joinText}</code> to <strong>${senderForPeople(p.sender)}</strong></p>
    <a class="share" id="share" href="sms:${p.sender}?&amp;body=${body}">Text a friend</a>
  </section>
</main>
</body>
</html>
`;
}

export function supporterPageRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/p/:token', async (req: Request, res: Response) => {
    const view = await supporterPage(ctx, String(req.params.token));
    if (!view) {
      res.status(404).set('Cache-Control', 'no-store').type('text/plain').send('Not found');
      return;
    }
    const page = render(view).value;
    const etag = `"${createHash('sha256').update(page).digest('base64url').slice(0, 22)}"`;
    res.set({
      'Cache-Control': 'private, no-cache', ETag: etag, 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex',
      // No script at all; the page's own inline style only.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff',
    });
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    res.type('html').send(page);
  });
  return r;
}
