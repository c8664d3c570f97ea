/**
 * POST /webhooks/donations: a payment processor tells us about a contribution (ActBlue's webhook
 * JSON, or the generic `{ contributionId, amount, refcode, phone, email, paidAt }`). Two ways to
 * authenticate, either configured or both:
 * - HTTP Basic, as ActBlue's webhooks do (DONATIONS_WEBHOOK_USER / _PASSWORD): checked before the
 *   body is read;
 * - an HMAC-SHA256 signature (DONATIONS_WEBHOOK_SECRET), for processors and relays that sign:
 *   `X-Signature: sha256=<hex of HMAC-SHA256(secret, raw body)>`, checked over the exact bytes
 *   received, before they are parsed, with a constant-time comparison.
 * Wrong or missing credentials or signature: 401, nothing stored. A repeated delivery is answered
 * 200 with `duplicate` and changes nothing (the processor's contribution id), which is also what
 * makes a replayed signed body harmless.
 */
import express, { Router, type Request } from 'express';
import type { AppContext } from '../wiring/context';
import { parseDonationWebhook } from '../core/donation-input';
import { AppError } from '../shared/errors';
import { signatureMatches, tokensEqual } from '../shared/secrets';
import { receiveDonation } from '../usecases/pledges/donations';

export const SIGNATURE_HEADER = 'X-Signature';

function basicCredentials(req: Request): { user: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.get('authorization') ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** How this request authenticates: settled now (Basic), or a signature to check over the body. */
type Auth = { by: 'basic' } | { by: 'signature'; header: string };

export function donationsWebhook(ctx: AppContext): Router {
  const r = Router();
  const auth = new WeakMap<Request, Auth>();
  r.post(
    '/webhooks/donations',
    (req, res, next) => {
      const basic = ctx.config.donationsWebhook;
      const secret = ctx.config.donationsWebhookSecret;
      if (!basic && !secret) {
        throw new AppError('unavailable', 'the donations webhook is not configured (set DONATIONS_WEBHOOK_USER and DONATIONS_WEBHOOK_PASSWORD, or DONATIONS_WEBHOOK_SECRET)');
      }
      const given = basicCredentials(req);
      const signature = req.get(SIGNATURE_HEADER);
      // Both halves compared, always: no early exit that tells which one was wrong.
      if (basic && given && tokensEqual(given.user, basic.user) && tokensEqual(given.password, basic.password)) {
        auth.set(req, { by: 'basic' });
        return next();
      }
      if (secret && signature !== undefined && !given) {
        auth.set(req, { by: 'signature', header: signature });
        return next();
      }
      if (basic) res.set('WWW-Authenticate', 'Basic realm="rallytext donations"');
      throw new AppError('unauthorized', secret && !basic ? `missing or wrong ${SIGNATURE_HEADER} signature` : 'wrong or missing HTTP Basic credentials');
    },
    // The exact bytes: a signature is over them, not over a re-serialised object.
    express.raw({ type: () => true, limit: '256kb' }),
    async (req, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const a = auth.get(req);
      if (a?.by === 'signature' && !signatureMatches(ctx.config.donationsWebhookSecret!, raw, a.header)) {
        throw new AppError('unauthorized', `wrong ${SIGNATURE_HEADER} signature (expected sha256=<hex of HMAC-SHA256 of the raw body>)`);
      }
      if (!req.is('application/json')) throw new AppError('unsupported_media_type', 'send JSON (Content-Type: application/json)');
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new AppError('bad_request', 'the body is not valid JSON');
      }
      const parsed = parseDonationWebhook(body);
      if (!parsed.ok) throw new AppError('validation_failed', 'donation is invalid', parsed.problems);
      const outcome = await receiveDonation(ctx, parsed.value);
      ctx.logger.info({ contributionId: parsed.value.contributionId, outcome: outcome.outcome, auth: a?.by }, 'donation received');
      res.json(outcome);
    },
  );
  return r;
}
