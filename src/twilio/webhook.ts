/**
 * POST /twilio/sms: verify → decode → hand off → TwiML.
 * Nothing is stored before the signature checks out and the parameters parse.
 */
import express, { type Request, type Response } from 'express';
import type { AppContext } from '../context';
import { normalizeSender, toE164 } from '../core/phone';
import { AppError } from '../errors';
import { maskPhone } from '../logger';
import { zodProblems } from '../core/flow';
import { inboundSmsSchema, optOutTypeOf } from './inbound-params';
import { isValidTwilioSignature, signedUrl, type FormParams } from './signature';
import { EMPTY_TWIML, messagingTwiml } from './twiml';

/** Body parser for Twilio's form posts: flat params only, 100 KB at most (413 beyond). */
export const twilioForm = express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 1000 });

/** Shared by /twilio/sms and /twilio/status: 415 for a non-form body, 403 for a bad signature. */
export function verifiedParams(ctx: AppContext, req: Request): FormParams {
  if (!req.is('application/x-www-form-urlencoded')) {
    throw new AppError('unsupported_media_type', 'expected application/x-www-form-urlencoded');
  }
  const params = (req.body ?? {}) as FormParams;
  const signature = req.get('X-Twilio-Signature');
  if (!signature) throw new AppError('bad_signature', 'missing X-Twilio-Signature header');
  const url = signedUrl(ctx.config.publicBaseUrl, req.originalUrl);
  if (!isValidTwilioSignature(ctx.config.twilio.authToken, signature, url, params)) {
    throw new AppError('bad_signature', 'X-Twilio-Signature does not match this request');
  }
  return params;
}

function sendTwiml(res: Response, xml: string): void {
  res.status(200).type('text/xml').send(xml);
}

export function smsWebhook(ctx: AppContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const params = verifiedParams(ctx, req);
    const parsed = inboundSmsSchema.safeParse(params);
    if (!parsed.success) {
      throw new AppError('validation_failed', 'malformed Twilio webhook', zodProblems(parsed.error));
    }
    const p = parsed.data;
    const from = toE164(p.From);
    if (!from) {
      ctx.logger.warn({ messageSid: p.MessageSid, from: p.From.slice(0, 20) }, 'inbound from a non-phone sender ignored');
      return sendTwiml(res, EMPTY_TWIML);
    }
    const to = normalizeSender(p.To);
    const now = ctx.clock.now();
    ctx.registry.refreshIfStale(now.getTime());
    const view = to ? ctx.inbound.senderView(to) : undefined;
    if (!to || !view) {
      ctx.logger.warn({ messageSid: p.MessageSid, to: p.To.slice(0, 20) }, 'inbound to a number with no active campaign');
      return sendTwiml(res, EMPTY_TWIML);
    }
    const result = await ctx.inbound.handleBatched(
      {
        messageSid: p.MessageSid, from, to, body: p.Body, numMedia: Number(p.NumMedia ?? 0),
        optOutType: optOutTypeOf(p.OptOutType), fromState: p.FromState?.slice(0, 2) || null,
      },
      view,
      now,
    );
    if (ctx.config.localMode || ctx.logger.isLevelEnabled('debug')) {
      const level = ctx.config.localMode ? 'info' : 'debug';
      ctx.logger[level](
        { from: maskPhone(from), to, handledAs: result.handledAs, replies: result.replies, suppressed: result.suppressed },
        ctx.config.localMode ? 'local mode: reply recorded in outbox' : 'inbound handled',
      );
    }
    sendTwiml(res, messagingTwiml(result.replies));
  };
}
