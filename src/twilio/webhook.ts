/**
 * POST /twilio/sms: verify → decode → flood guard → hand off → TwiML.
 * Nothing is stored before the signature checks out and the parameters parse.
 *
 * The work is framework-free (`checkSignature`, `answerInboundSms`) so the same code answers
 * through the express route (tests, and any request the fast path passes on) and through the
 * production fast path in src/http/fast-webhook.ts.
 */
import express, { type Request, type Response } from 'express';
import type { AppContext } from '../wiring/context';
import { zodProblems } from '../core/flow';
import { normalizeSender, toE164 } from '../core/phone';
import { cleanText } from '../core/text';
import { AppError } from '../shared/errors';
import { maskPhone } from '../shared/logger';
import { inboundSmsSchema, optOutTypeOf } from './inbound-params';
import { isValidTwilioSignature, signedUrl, type FormParams } from './signature';
import { EMPTY_TWIML, messagingTwiml } from './twiml';

/** Body limit for Twilio's form posts (413 beyond), shared by the express parser and the fast path. */
export const TWILIO_FORM_LIMIT_BYTES = 100 * 1024;
export const TWILIO_FORM_PARAMETER_LIMIT = 1000;

/** Body parser for Twilio's form posts: flat params only, 100 KB at most (413 beyond). */
export const twilioForm = express.urlencoded({ extended: false, limit: TWILIO_FORM_LIMIT_BYTES, parameterLimit: TWILIO_FORM_PARAMETER_LIMIT });

/** 403 unless `signature` is Twilio's for PUBLIC_BASE_URL + originalUrl and these params. */
export function checkSignature(ctx: AppContext, originalUrl: string, signature: string | undefined, params: FormParams): void {
  if (!signature) throw new AppError('bad_signature', 'missing X-Twilio-Signature header');
  // Twilio requests a path ("/twilio/sms?…"). An absolute-form target ("POST http://host/twilio/sms")
  // would be glued onto PUBLIC_BASE_URL as a URL Twilio never signed, and one that cannot be parsed.
  if (!originalUrl.startsWith('/') || originalUrl.startsWith('//')) {
    throw new AppError('bad_request', 'the request target must be a path such as /twilio/sms, not an absolute URL');
  }
  const url = signedUrl(ctx.config.publicBaseUrl, originalUrl);
  if (!isValidTwilioSignature(ctx.config.twilio.authToken, signature, url, params)) {
    throw new AppError('bad_signature', 'X-Twilio-Signature does not match this request');
  }
}

/** Shared by /twilio/sms and /twilio/status: 415 for a non-form body, 403 for a bad signature. */
export function verifiedParams(ctx: AppContext, req: Request): FormParams {
  if (!req.is('application/x-www-form-urlencoded')) {
    throw new AppError('unsupported_media_type', 'expected application/x-www-form-urlencoded');
  }
  const params = (req.body ?? {}) as FormParams;
  checkSignature(ctx, req.originalUrl, req.get('X-Twilio-Signature'), params);
  return params;
}

/** The TwiML answer to a verified inbound-SMS webhook (throws AppError for bad parameters). */
export async function answerInboundSms(ctx: AppContext, params: FormParams): Promise<string> {
  const parsed = inboundSmsSchema.safeParse(params);
  if (!parsed.success) {
    throw new AppError('validation_failed', 'malformed Twilio webhook', zodProblems(parsed.error));
  }
  const p = parsed.data;
  const from = toE164(p.From);
  if (!from) {
    ctx.logger.warn({ messageSid: p.MessageSid, from: p.From.slice(0, 20) }, 'inbound from a non-phone sender ignored');
    return EMPTY_TWIML;
  }
  const to = normalizeSender(p.To);
  const now = ctx.clock.now();
  ctx.registry.refreshIfStale(now.getTime());
  const view = to ? ctx.inbound.senderView(to) : undefined;
  if (!to || !view) {
    ctx.logger.warn({ messageSid: p.MessageSid, to: p.To.slice(0, 20) }, 'inbound to a number with no active campaign');
    return EMPTY_TWIML;
  }
  const flood = ctx.flood.take(from, now.getTime());
  if (flood.floodStarted) {
    ctx.logger.warn(
      { from: maskPhone(from), to, perMinute: ctx.config.inboundPerNumberPerMinute },
      'number over its inbound limit: further texts are recorded but not answered (STOP/START/HELP still honoured)',
    );
  }
  const result = await ctx.inbound.handleBatched(
    {
      messageSid: p.MessageSid, from, to, body: cleanText(p.Body), numMedia: Number(p.NumMedia ?? 0),
      optOutType: optOutTypeOf(p.OptOutType), fromState: p.FromState?.slice(0, 2) || null, throttled: !flood.allowed,
    },
    view,
    now,
  );
  // After the commit: tell the live screens (O(1), no query; they recompute debounced).
  ctx.live.notify(result.campaignId);
  if (ctx.config.localMode || ctx.logger.isLevelEnabled('debug')) {
    const level = ctx.config.localMode ? 'info' : 'debug';
    ctx.logger[level](
      { from: maskPhone(from), to, handledAs: result.handledAs, replies: result.replies, suppressed: result.suppressed },
      ctx.config.localMode ? 'local mode: reply recorded in outbox' : 'inbound handled',
    );
  }
  return messagingTwiml(result.replies);
}

export function smsWebhook(ctx: AppContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const params = verifiedParams(ctx, req);
    const xml = await answerInboundSms(ctx, params);
    res.status(200).type('text/xml').send(xml);
  };
}
