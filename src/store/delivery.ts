/**
 * TRANSITIONAL: the broadcast sender (slice B) still calls these by their old names. The receipts
 * now live in src/store/receipts/ and Twilio's codes in src/twilio/receipt-codes.ts; this file
 * goes once the sender passes the policy itself.
 */
import type { IdGenerator } from '../core/clock';
import { twilioReceiptPolicy } from '../twilio/receipt-codes';
import { applyStoredReceipt as apply } from './receipts/sqlite';
import type { SqliteDb } from './sqlite/db';

export { recipientStatusFromTwilio } from '../twilio/receipt-codes';

/** Apply a receipt stored before the send result named its SID. Inside the caller's transaction. */
export function applyStoredReceipt(store: SqliteDb, sid: string, newId: IdGenerator, now: string): void {
  apply(store, sid, twilioReceiptPolicy, newId, now);
}
