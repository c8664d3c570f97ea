/**
 * The broadcast use case as the HTTP adapters (API and console pages) reach it, built from the
 * app context: one place, so both apply the same configuration (rate, quiet hours, footer) and
 * nudge the in-process dispatcher when a broadcast becomes sendable.
 */
import { BroadcastService } from '../usecases/broadcasts/service';
import type { AppContext } from '../wiring/context';

export function broadcastService(ctx: AppContext): BroadcastService {
  return new BroadcastService({
    store: ctx.store, clock: ctx.clock, newId: ctx.newId, sendRateMps: ctx.config.sendRateMps,
    quietHours: ctx.config.quietHours, footerText: ctx.config.broadcastFooter, wake: () => ctx.dispatcher?.wake(),
    linkBase: ctx.config.publicBaseUrl,
  });
}
