/**
 * A delivery receipt, end to end once an adapter has verified and decoded it: record it (statuses
 * only move forward, duplicates change nothing) and apply what the provider's policy says it means
 * (a carrier opt-out opts the contact out; an unreachable number is flagged).
 */
import type { Logger } from 'pino';
import type { Clock, IdGenerator } from '../../core/clock';
import type { RecipientStatus } from '../../store/database';
import type { DeliveryReceipt, ReceiptEffect, ReceiptPolicy } from '../../store/receipts/repository';
import type { Store } from '../../store/store';

export type { DeliveryReceipt, ReceiptEffect, ReceiptPolicy, RecipientStatus };

export interface ReceiptDeps {
  store: Pick<Store, 'receipts'>;
  /** What the provider's statuses and error codes mean (Twilio's: src/twilio/receipt-codes.ts). */
  policy: ReceiptPolicy;
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
}

export class DeliveryReceipts {
  constructor(private readonly deps: ReceiptDeps) {}

  async record(receipt: DeliveryReceipt): Promise<ReceiptEffect> {
    const { store, policy, clock, newId, logger } = this.deps;
    const effect = await store.receipts.record(receipt, policy, { now: clock.now(), newId });
    const log = { messageSid: receipt.sid, status: receipt.status, errorCode: receipt.errorCode, ...effect };
    if (effect.optedOut) logger.info(log, `carrier reported an opt-out (${receipt.errorCode}): contact opted out`);
    else if (effect.undeliverable) logger.info(log, 'carrier reported an unreachable number: contact marked undeliverable');
    else if (!effect.matched) logger.debug(log, 'status callback for a message not (yet) known here; kept');
    else logger.debug(log, 'status callback');
    return effect;
  }
}
