/**
 * What Twilio's message statuses and error codes mean for a delivery receipt (DESIGN §5): the
 * Twilio adapter's knowledge, handed to the receipts store as a `ReceiptPolicy`.
 */
import type { ReceiptPolicy, RecipientStatus } from '../usecases/receipts/record-receipt';

/** Carrier errors after which we stop texting the number (record, stop sending). */
export const STOP_SENDING_CODES = new Set([30004, 30005, 30006]);
/** The recipient replied STOP to Twilio or the carrier. */
export const CARRIER_OPT_OUT_CODE = 21610;

/** A Twilio message status as a broadcast recipient status (null: not one we track). */
export function recipientStatusFromTwilio(status: string, errorCode: number | null): RecipientStatus | null {
  if (errorCode === CARRIER_OPT_OUT_CODE && (status === 'failed' || status === 'undelivered')) return 'opted_out';
  switch (status) {
    case 'accepted': case 'queued': case 'scheduled': case 'sending':
      return 'queued';
    case 'sent': case 'delivered': case 'undelivered': case 'failed': case 'canceled':
      return status;
    case 'read':
      return 'delivered';
    default:
      return null;
  }
}

export const twilioReceiptPolicy: ReceiptPolicy = {
  recipientStatus: recipientStatusFromTwilio,
  optsOut: (code) => code === CARRIER_OPT_OUT_CODE,
  stopsSending: (code) => STOP_SENDING_CODES.has(code),
};
