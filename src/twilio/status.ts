/**
 * POST /twilio/status: Twilio's delivery receipts. Verify the signature (same as /twilio/sms),
 * parse, record. Any order, any number of times: statuses only move forward, duplicates change
 * nothing, 30xxx error codes are recorded, and 21610 opts the contact out (consent via carrier).
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../wiring/context';
import { zodProblems } from '../core/flow';
import { AppError } from '../shared/errors';
import { recordReceipt } from '../store/receipts/sqlite';
import { verifiedParams } from './webhook';

export const statusCallbackSchema = z
  .object({
    MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'must be a Twilio message SID'),
    MessageStatus: z.string().trim().toLowerCase().pipe(z.string().regex(/^[a-z_]{2,20}$/)).optional(),
    SmsStatus: z.string().trim().toLowerCase().pipe(z.string().regex(/^[a-z_]{2,20}$/)).optional(),
    ErrorCode: z
      .string()
      .trim()
      .regex(/^\d{0,6}$/, 'must be a number')
      .optional()
      .transform((v) => (v ? Number(v) : null)),
  })
  .refine((p) => p.MessageStatus ?? p.SmsStatus, { message: 'MessageStatus is required', path: ['MessageStatus'] });

export function statusWebhook(ctx: AppContext) {
  return (req: Request, res: Response): void => {
    const params = verifiedParams(ctx, req);
    const parsed = statusCallbackSchema.safeParse(params);
    if (!parsed.success) throw new AppError('validation_failed', 'malformed Twilio status callback', zodProblems(parsed.error));
    const p = parsed.data;
    const status = (p.MessageStatus ?? p.SmsStatus)!;
    const effect = recordReceipt(ctx.db, { sid: p.MessageSid, status, errorCode: p.ErrorCode ?? null }, ctx.newId, ctx.clock.now().toISOString());
    const log = { messageSid: p.MessageSid, status, errorCode: p.ErrorCode, ...effect };
    if (effect.optedOut) ctx.logger.info(log, 'carrier reported an opt-out (21610): contact opted out');
    else if (effect.undeliverable) ctx.logger.info(log, 'carrier reported an unreachable number: contact marked undeliverable');
    else if (!effect.matched) ctx.logger.debug(log, 'status callback for a message not (yet) known here; kept');
    else ctx.logger.debug(log, 'status callback');
    res.status(204).end();
  };
}
