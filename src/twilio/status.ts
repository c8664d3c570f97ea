/**
 * POST /twilio/status once verified: Twilio's delivery receipts. Parse, then hand to the receipts
 * use case with Twilio's meaning of its codes (receipt-codes.ts). Any order, any number of times:
 * statuses only move forward, duplicates change nothing, 30xxx error codes are recorded, and 21610
 * opts the contact out (consent via carrier).
 */
import { z } from 'zod';
import { zodProblems } from '../core/validation';
import { AppError } from '../shared/errors';
import type { DeliveryReceipts } from '../usecases/receipts/record-receipt';
import type { FormParams } from './signature';

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

/** Records a verified status callback (throws AppError for bad parameters). */
export async function answerStatusCallback(receipts: DeliveryReceipts, params: FormParams): Promise<void> {
  const parsed = statusCallbackSchema.safeParse(params);
  if (!parsed.success) throw new AppError('validation_failed', 'malformed Twilio status callback', zodProblems(parsed.error));
  const p = parsed.data;
  await receipts.record({ sid: p.MessageSid, status: (p.MessageStatus ?? p.SmsStatus)!, errorCode: p.ErrorCode ?? null });
}
