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
import { VotingRegistry } from '../usecases/polls/voting-registry';
import { Polls } from '../usecases/polls/polls';
import { Ideas } from '../usecases/polls/ideas';
import { liveScreenNumbers } from '../usecases/polls/screen';

export interface RuntimeOptions {
  clock?: Clock;
  newId?: IdGenerator;
  /** Live-hub limits (benchmarks connect 1,000 screens to one link from one address). */
  live?: LiveHubOptions;
  /** SQLite's page cache for the main connection, KiB (default 64 MB; the dispatcher's own process asks for less). */
  sqliteCacheKib?: number;
}

/**
 * Opens the engine DATABASE_URL names (applying pending migrations) and builds the context on it.
 * Entry points use this; it rejects, with the store closed, when the database cannot be opened.
 */
export async function openContext(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<AppContext> {
  if (!isPostgresUrl(config.databaseUrl)) return createContext(config, logger, options);
  // Loaded only for a PostgreSQL URL: the pg driver and its engine are ~4 MB of code and heap that
  // a SQLite gateway or dispatcher never runs (measured in docs/performance.md, issue 9).
  const { openPgStore } = await import('../store/postgres/store');
  const store = await openPgStore(config.databaseUrl, { receiptPolicy: twilioReceiptPolicy });
  return contextOn(store, config, logger, options);
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** The SQLite context, opened synchronously (tests, benches and tools build it without awaiting). */
export function createContext(config: Config, logger: Logger, options: RuntimeOptions = {}): AppContext {
  if (isPostgresUrl(config.databaseUrl)) throw new Error('PostgreSQL opens asynchronously: use openContext');
  return contextOn(
    openSqliteStore(config.databaseUrl, { receiptPolicy: twilioReceiptPolicy, cacheKib: options.sqliteCacheKib }), config, logger, options,
  );
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
    const live = new LiveHub((campaignId) => liveScreenNumbers(store, campaignId, clock.now(), statsNow), logger, options.live);
    // Several gateway processes on one database (PostgreSQL) share the flood buckets, tell each
    // other's live screens about their texts and reload campaigns when another changed them.
    const cross = store.crossProcess;
    const flood = cross?.flood(config.inboundPerNumberPerMinute) ?? new FloodGuard(config.inboundPerNumberPerMinute);
    // Live screens are reached through the context, so a test that swaps ctx.live is heard.
    const notifier = {
      notify: (campaignId: string | null) => {
        context.live.notify(campaignId);
        if (campaignId) cross?.signals.publish('live', campaignId);
      },
    };
    cross?.signals.on('live', (campaignId) => {
      if (campaignId) context.live.notify(campaignId);
      else context.live.refreshAll();
    });
    cross?.signals.on('campaigns', () => void registry.reload());
    const inboxEvents = new InboxEvents();
    const voting = new VotingRegistry(store, registry, clock, logger);
    const inbound = new InboundTexts({
      store, registry, voting, flood, live: notifier, inbox: inboxEvents, clock, newId, logger, localMode: config.localMode, perNumberPerMinute: config.inboundPerNumberPerMinute,
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
    const polls = new Polls({ store, registry, voting, live: notifier, clock, newId });
    const ideas = new Ideas({ store, voting, live: notifier, clock, newId });
    const context: AppContext = {
      config, store, registry, inbound, receipts, rehearsal, flood, credentialThrottle, trustedClients, people, audit, logger, clock, newId, live,
      inbox, inboxSettings, inboxEvents, voting, polls, ideas,
    };
    return context;
  } catch (err) {
    void store.close();
    throw err;
  }
}
