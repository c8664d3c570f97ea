/**
 * POST /twilio/sms once verified: Twilio's parameters → the inbound use case → TwiML.
 * Nothing is stored unless the parameters parse. Framework-free: the front door
 * (src/http/front-door.ts) reads, decodes and verifies the request, then calls this.
 */
import { zodProblems } from '../core/validation';
import { cleanText } from '../core/text';
import { AppError } from '../shared/errors';
import type { InboundTexts } from '../usecases/inbound/receive-text';
import { inboundSmsSchema, optOutTypeOf } from './inbound-params';
import type { FormParams } from './signature';
import { messagingTwiml } from './twiml';

/** The TwiML answer to a verified inbound-SMS webhook (throws AppError for bad parameters). */
export async function answerInboundSms(inbound: InboundTexts, params: FormParams): Promise<string> {
  const parsed = inboundSmsSchema.safeParse(params);
  if (!parsed.success) {
    throw new AppError('validation_failed', 'malformed Twilio webhook', zodProblems(parsed.error));
  }
  const p = parsed.data;
  const { replies } = await inbound.receive({
    messageSid: p.MessageSid, from: p.From, to: p.To, body: cleanText(p.Body), numMedia: Number(p.NumMedia ?? 0),
    optOutType: optOutTypeOf(p.OptOutType), fromState: p.FromState?.slice(0, 2) || null,
  });
  return messagingTwiml(replies);
}
