/**
 * POST /webhooks/donations: a payment processor tells us about a contribution (ActBlue's webhook
 * JSON, or the generic `{ contributionId, amount, refcode, phone, email, paidAt }`), authenticated
 * with HTTP Basic as ActBlue's webhooks are (DONATIONS_WEBHOOK_USER / _PASSWORD). Wrong or missing
 * credentials: 401 before the body is read, nothing stored. A repeated delivery is answered 200
 * with `duplicate` and changes nothing.
 */
import express, { Router, type Request } from 'express';
import type { AppContext } from '../wiring/context';
import { parseDonationWebhook } from '../core/donation-input';
import { AppError } from '../shared/errors';
import { tokensEqual } from '../shared/secrets';
import { receiveDonation } from '../usecases/pledges/donations';

function basicCredentials(req: Request): { user: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.get('authorization') ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function donationsWebhook(ctx: AppContext): Router {
  const r = Router();
  r.post(
    '/webhooks/donations',
    (req, res, next) => {
      const expected = ctx.config.donationsWebhook;
      if (!expected) throw new AppError('unavailable', 'the donations webhook is not configured (set DONATIONS_WEBHOOK_USER and DONATIONS_WEBHOOK_PASSWORD)');
      const given = basicCredentials(req);
      // Both compared, always: no early exit that tells which half was wrong.
      const ok = given !== null && tokensEqual(given.user, expected.user) && tokensEqual(given.password, expected.password);
      if (!ok) {
        res.set('WWW-Authenticate', 'Basic realm="rallytext donations"');
        throw new AppError('unauthorized', 'wrong or missing HTTP Basic credentials');
      }
      next();
    },
    express.json({ limit: '256kb' }),
    async (req, res) => {
      if (!req.is('application/json')) throw new AppError('unsupported_media_type', 'send JSON (Content-Type: application/json)');
      const parsed = parseDonationWebhook(req.body);
      if (!parsed.ok) throw new AppError('validation_failed', 'donation is invalid', parsed.problems);
      const outcome = await receiveDonation(ctx, parsed.value);
      ctx.logger.info({ contributionId: parsed.value.contributionId, outcome: outcome.outcome }, 'donation received');
      res.json(outcome);
    },
  );
  return r;
}
