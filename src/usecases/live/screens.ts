/**
 * The live rally screen's job: display links (one unguessable token per campaign, 192 random
 * bits, created when an organizer first opens the campaign, replaced on demand so the old link
 * stops at once), where "tonight" counts from, and what a screen shows. The hub (./hub.ts) fans
 * changes out to connected screens.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import { AppError } from '../../shared/errors';
import type { CampaignView } from '../../store/campaigns/repository';
import type { LiveDisplay, LiveStats } from '../../store/live/repository';
import type { Store } from '../../store/store';
import { statsNow } from './stats';
import { liveScreenNumbers, type ScreenNumbers } from '../polls/screen';

export type { LiveDisplay, LiveStats };

/** What the screen controls and the public screen need from the hub. */
export interface LiveFanOut {
  notify(campaignId: string): void;
  disconnect(campaignId: string): void;
}

export interface LiveScreenDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  hub: LiveFanOut;
}

export function newDisplayToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The campaign's display link, created on first use. */
export function ensureDisplay(store: Store, campaignId: string, now: Date): Promise<LiveDisplay> {
  return store.live.ensureDisplay(campaignId, newDisplayToken(), now);
}

export type LiveAction = 'count-now' | 'rolling' | 'rotate';

export const LIVE_ACTIONS: readonly LiveAction[] = ['count-now', 'rolling', 'rotate'];

export class LiveScreens {
  constructor(private readonly deps: LiveScreenDeps) {}

  /** The organizer's panel: the campaign's display link (created on first use) and tonight's numbers. */
  async panel(campaignId: string): Promise<{ display: LiveDisplay; stats: LiveStats }> {
    const { store, clock } = this.deps;
    const now = clock.now();
    const display = await ensureDisplay(store, campaignId, now);
    const stats = await statsNow(store, campaignId, now);
    if (!stats) throw new AppError('not_found', `campaign ${campaignId} not found`);
    return { display, stats };
  }

  /** Start tonight's count now, go back to the rolling window, or replace the display link. */
  async act(campaignId: string, action: LiveAction): Promise<void> {
    const { store, clock, hub, logger } = this.deps;
    const now = clock.now();
    if (action === 'count-now') await store.live.setCountingFrom(campaignId, now.toISOString(), newDisplayToken(), now);
    else if (action === 'rolling') await store.live.setCountingFrom(campaignId, null, newDisplayToken(), now);
    else {
      await store.live.replaceToken(campaignId, newDisplayToken(), now);
      hub.disconnect(campaignId);
      logger.info({ campaignId }, 'live display link replaced');
    }
    hub.notify(campaignId);
  }

  /** The display a link names; not_found for a malformed, unknown or replaced token. */
  async display(token: string): Promise<LiveDisplay> {
    const d = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await this.deps.store.live.displayByToken(token) : undefined;
    if (!d) throw new AppError('not_found', 'This display link is not valid (it may have been replaced). Ask an organizer for the current one.');
    return d;
  }

  /** Everything the public screen renders: its campaign's call to action and the numbers. */
  async screen(token: string): Promise<{ display: LiveDisplay; campaign: CampaignView; stats: ScreenNumbers }> {
    const display = await this.display(token);
    const campaign = await this.deps.store.campaigns.find(display.campaignId);
    const stats = campaign ? await liveScreenNumbers(this.deps.store, display.campaignId, this.deps.clock.now(), statsNow) : null;
    if (!campaign || !stats) throw new AppError('not_found', 'campaign not found');
    return { display, campaign, stats };
  }
}
