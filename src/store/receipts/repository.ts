/**
 * Delivery receipts as use cases see them. The store records what the provider said and applies
 * it; what a provider's status words and error codes mean is passed in (`ReceiptPolicy`), so the
 * store knows no provider's codes (Twilio's live in src/twilio/receipt-codes.ts).
 */
import type { IdGenerator } from '../../core/clock';
import type { RecipientStatus } from '../database';

export interface DeliveryReceipt {
  sid: string;
  /** The provider's status word, stored as received (e.g. "delivered"). */
  status: string;
  errorCode: number | null;
}

/** What a status and error code mean, from the adapter that knows the provider. */
export interface ReceiptPolicy {
  /** The status as a broadcast recipient status (null: not one we track). */
  recipientStatus(status: string, errorCode: number | null): RecipientStatus | null;
  /** The carrier says the recipient opted out: opt the contact out (consent via carrier). */
  optsOut(errorCode: number): boolean;
  /** The number cannot be reached: stop sending to it (flag it undeliverable). */
  stopsSending(errorCode: number): boolean;
}

export interface ReceiptEffect {
  duplicate: boolean;
  /** The SID matched a message this gateway sent. */
  matched: boolean;
  optedOut: boolean;
  undeliverable: boolean;
}

export interface ReceiptsRepository {
  /**
   * Records one status callback in its own transaction. Callbacks come in any order and more than
   * once: statuses only move forward and a duplicate changes nothing.
   */
  record(receipt: DeliveryReceipt, policy: ReceiptPolicy, run: { now: Date; newId: IdGenerator }): Promise<ReceiptEffect>;
}
