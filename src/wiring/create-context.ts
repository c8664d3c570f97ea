/** Builds the application context from a config: database, campaign registry, inbound store. */
import type { Logger } from 'pino';
import type { Config } from './config';
import type { AppContext } from './context';
import { systemClock, type Clock, type IdGenerator } from '../core/clock';
import { FloodGuard } from '../core/flood';
import { uuid } from '../shared/ids';
import { LiveHub } from '../live/hub';
import { statsNow } from '../live/stats';
import { seedDemo } from '../seed';
import { CampaignRegistry } from '../store/campaign-registry';
import { InboundStore } from '../store/inbound/sqlite';
import { openSqliteStore } from '../store/sqlite/store';

export interface RuntimeOptions {
  clock?: Clock;
  newId?: IdGenerator;
}

export function createContext(config: Config, logger: Logger, options: RuntimeOptions = {}): AppContext {
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? uuid;
  const store = openSqliteStore(config.databaseUrl);
  const db = store.db;
  try {
    if (config.seedDemo) seedDemo(db, clock, newId, logger);
    const registry = new CampaignRegistry(db, logger);
    const inbound = new InboundStore(db, registry, newId);
    const live = new LiveHub((campaignId) => statsNow(db, campaignId, clock.now()), logger);
    const flood = new FloodGuard(config.inboundPerNumberPerMinute);
    return { config, store, db, registry, inbound, flood, logger, clock, newId, live };
  } catch (err) {
    db.close();
    throw err;
  }
}
