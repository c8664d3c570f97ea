/** Builds the application context from a config: database, campaign registry, inbound store. */
import type { Logger } from 'pino';
import type { Config } from './config';
import type { AppContext } from './context';
import { systemClock, type Clock, type IdGenerator } from '../core/clock';
import { CredentialThrottle } from '../core/attempts';
import { FloodGuard } from '../core/flood';
import { uuid } from '../shared/ids';
import { LiveHub, type LiveHubOptions } from '../usecases/live/hub';
import { statsNow } from '../usecases/live/stats';
import { seedDemo } from '../usecases/campaigns/seed';
import { CampaignRegistry } from '../store/campaign-registry';
import { InboundStore } from '../store/inbound';
import { openSqliteStore } from '../store/sqlite/store';

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
    // The seed is one repository call: on SQLite it has committed when the call returns, so the
    // registry below already sees the demo campaign; an engine that answers later reloads it.
    const seeded = config.seedDemo ? seedDemo(store, clock, newId, logger) : null;
    const registry = new CampaignRegistry(db, logger);
    seeded
      ?.then((c) => {
        if (c && !registry.campaign(c.id)) registry.reload();
      })
      .catch((err: unknown) => logger.error({ err: (err as Error).message }, 'demo campaign could not be created'));
    const inbound = new InboundStore(db, registry, newId);
    const live = new LiveHub((campaignId) => statsNow(store, campaignId, clock.now()), logger, options.live);
    const flood = new FloodGuard(config.inboundPerNumberPerMinute);
    const credentialThrottle = new CredentialThrottle();
    return { config, store, db, registry, inbound, flood, credentialThrottle, logger, clock, newId, live };
  } catch (err) {
    db.close();
    throw err;
  }
}
