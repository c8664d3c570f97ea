/** Builds the application context from a config: the store, then the use cases on it. */
import type { Logger } from 'pino';
import type { Config } from './config';
import type { AppContext } from './context';
import { systemClock, type Clock, type IdGenerator } from '../core/clock';
import { CredentialThrottle } from '../core/attempts';
import { FloodGuard } from '../core/flood';
import { uuid } from '../shared/ids';
import { LiveHub, type LiveHubOptions } from '../live/hub';
import { statsNow } from '../live/stats';
import { seedDemo } from '../seed';
import { openSqliteStore } from '../store/sqlite/store';
import { twilioReceiptPolicy } from '../twilio/receipt-codes';
import { CampaignRegistry } from '../usecases/campaigns/registry';
import { InboundTexts } from '../usecases/inbound/receive-text';
import { DeliveryReceipts } from '../usecases/receipts/record-receipt';
import { Rehearsal } from '../usecases/rehearsal/rehearse';

export interface RuntimeOptions {
  clock?: Clock;
  newId?: IdGenerator;
  /** Live-hub limits (benchmarks connect 1,000 screens to one link from one address). */
  live?: LiveHubOptions;
}

export function createContext(config: Config, logger: Logger, options: RuntimeOptions = {}): AppContext {
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? uuid;
  const store = openSqliteStore(config.databaseUrl);
  const db = store.db;
  try {
    if (config.seedDemo) seedDemo(db, clock, newId, logger);
    const registry = new CampaignRegistry(store, logger);
    const live = new LiveHub((campaignId) => statsNow(db, campaignId, clock.now()), logger, options.live);
    const flood = new FloodGuard(config.inboundPerNumberPerMinute);
    const inbound = new InboundTexts({
      store, registry, flood, live, clock, newId, logger, localMode: config.localMode, perNumberPerMinute: config.inboundPerNumberPerMinute,
    });
    const receipts = new DeliveryReceipts({ store, policy: twilioReceiptPolicy, clock, newId, logger });
    const rehearsal = new Rehearsal({ store, inbound, registry, clock, newId });
    const credentialThrottle = new CredentialThrottle();
    return { config, store, db, registry, inbound, receipts, rehearsal, flood, credentialThrottle, logger, clock, newId, live };
  } catch (err) {
    db.close();
    throw err;
  }
}
