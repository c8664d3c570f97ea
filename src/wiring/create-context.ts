/** Builds the application context from a config: the store, then the use cases on it. */
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
import { openPgStore } from '../store/postgres/store';
import { openSqliteStore } from '../store/sqlite/store';
import type { Store } from '../store/store';
import { twilioReceiptPolicy } from '../twilio/receipt-codes';
import { CampaignRegistry } from '../usecases/campaigns/registry';
import { InboundTexts } from '../usecases/inbound/receive-text';
import { DeliveryReceipts } from '../usecases/receipts/record-receipt';
import { Rehearsal } from '../usecases/rehearsal/rehearse';
import { TrustedClients } from '../core/trusted-clients';
import { AuditLog } from '../usecases/audit/audit';
import { People } from '../usecases/people/people';
import { Inbox } from '../usecases/inbox/inbox';
import { InboxEvents } from '../usecases/inbox/events';
import { InboxSettings } from '../usecases/inbox/settings';

export interface RuntimeOptions {
  clock?: Clock;
  newId?: IdGenerator;
  /** Live-hub limits (benchmarks connect 1,000 screens to one link from one address). */
  live?: LiveHubOptions;
}

/**
 * Opens the engine DATABASE_URL names (applying pending migrations) and builds the context on it.
 * Entry points use this; it rejects, with the store closed, when the database cannot be opened.
 */
export async function openContext(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<AppContext> {
  if (!isPostgresUrl(config.databaseUrl)) return createContext(config, logger, options);
  const store = await openPgStore(config.databaseUrl, { receiptPolicy: twilioReceiptPolicy });
  return contextOn(store, config, logger, options);
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** The SQLite context, opened synchronously (tests, benches and tools build it without awaiting). */
export function createContext(config: Config, logger: Logger, options: RuntimeOptions = {}): AppContext {
  if (isPostgresUrl(config.databaseUrl)) throw new Error('PostgreSQL opens asynchronously: use openContext');
  return contextOn(openSqliteStore(config.databaseUrl, { receiptPolicy: twilioReceiptPolicy }), config, logger, options);
}

/** The use cases on an opened store; the context owns the store from here (closed if this throws). */
export function contextOn(store: Store, config: Config, logger: Logger, options: RuntimeOptions = {}): AppContext {
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? uuid;
  try {
    // The seed is one repository call; the registry (which loads on first use) waits for it, so the
    // first text sees the demo campaign on either engine.
    const seeded = config.seedDemo ? seedDemo(store, clock, newId, logger) : null;
    const registry = new CampaignRegistry(store, logger, seeded);
    seeded
      ?.then((c) => {
        if (c && !registry.campaign(c.id)) void registry.reload();
      })
      .catch((err: unknown) => logger.error({ err: (err as Error).message }, 'demo campaign could not be created'));
    const live = new LiveHub((campaignId) => statsNow(store, campaignId, clock.now()), logger, options.live);
    const flood = new FloodGuard(config.inboundPerNumberPerMinute);
    // Live screens are reached through the context, so a test that swaps ctx.live is heard.
    const notifier = { notify: (campaignId: string | null) => context.live.notify(campaignId) };
    const inboxEvents = new InboxEvents();
    const inbound = new InboundTexts({
      store, registry, flood, live: notifier, inbox: inboxEvents, clock, newId, logger, localMode: config.localMode, perNumberPerMinute: config.inboundPerNumberPerMinute,
      linkBase: config.publicBaseUrl,
    });
    const receipts = new DeliveryReceipts({ store, policy: twilioReceiptPolicy, clock, newId, logger });
    const rehearsal = new Rehearsal({ store, inbound, registry, clock, newId });
    const credentialThrottle = new CredentialThrottle();
    const trustedClients = new TrustedClients();
    const audit = new AuditLog({ store, clock });
    const people = new People({ store, audit, clock, newId, publicBaseUrl: config.publicBaseUrl });
    // A reply wakes the dispatcher of this process, if one runs here (set on the context later).
    const inbox = new Inbox({ store, registry, events: inboxEvents, clock, newId, audit, wake: () => context.dispatcher?.wake() });
    const inboxSettings = new InboxSettings({ store, registry, clock, newId });
    const context: AppContext = {
      config, store, registry, inbound, receipts, rehearsal, flood, credentialThrottle, trustedClients, people, audit, logger, clock, newId, live,
      inbox, inboxSettings, inboxEvents,
    };
    return context;
  } catch (err) {
    void store.close();
    throw err;
  }
}
