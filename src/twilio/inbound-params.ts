/**
 * Twilio's inbound SMS webhook parameters. Unknown extra parameters are allowed (Twilio adds
 * new ones without notice); the ones we rely on are required and bounded.
 */
import { z } from 'zod';

const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a Twilio ${prefix} SID`);

export const inboundSmsSchema = z.looseObject({
  MessageSid: sid('(?:SM|MM)'),
  AccountSid: sid('AC').optional(),
  MessagingServiceSid: sid('MG').optional(),
  From: z.string().min(1, 'is required').max(64),
  To: z.string().min(1, 'is required').max(64),
  Body: z.string().max(1600, 'must be at most 1600 characters (Twilio’s limit)'),
  NumMedia: z.string().regex(/^\d{1,2}$/).optional(),
  FromState: z.string().max(64).optional(),
  OptOutType: z.string().max(16).optional(),
});

export type InboundSmsParams = z.infer<typeof inboundSmsSchema>;

export function optOutTypeOf(value: string | undefined): 'STOP' | 'START' | 'HELP' | null {
  const v = value?.trim().toUpperCase();
  return v === 'STOP' || v === 'START' || v === 'HELP' ? v : null;
}
