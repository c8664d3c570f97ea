/** Builds the broadcast dispatcher from the application context, with Twilio's sender (or local mode's). */
import type { AppContext } from './context';
import { createTwilioClient } from '../twilio/client';
import { createSender } from '../twilio/sender';
import { defaultConcurrency, Dispatcher, type DispatcherDeps } from '../usecases/broadcasts/dispatcher';

/** The dispatcher with the real sender: Twilio (or TWILIO_API_BASE_URL), or the outbox log in local mode. */
export function createDispatcher(ctx: AppContext, overrides: Partial<DispatcherDeps> = {}): Dispatcher {
  const rateMps = overrides.rateMps === undefined ? ctx.config.sendRateMps : overrides.rateMps;
  const concurrency = overrides.concurrency ?? defaultConcurrency(rateMps);
  const sender =
    overrides.sender ??
    createSender(ctx.config, ctx.logger, () => createTwilioClient(ctx.config, { maxSockets: concurrency, timeoutMs: ctx.config.twilioTimeoutMs }));
  return new Dispatcher({
    store: ctx.store, clock: ctx.clock, newId: ctx.newId, logger: ctx.logger.child({ component: 'dispatcher' }), sender,
    quietHours: ctx.config.quietHours, footerText: ctx.config.broadcastFooter, requestTimeoutMs: ctx.config.twilioTimeoutMs,
    linkBase: ctx.config.publicBaseUrl,
    ...overrides, rateMps, concurrency,
  });
}
