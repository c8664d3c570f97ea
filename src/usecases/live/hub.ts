/**
 * The live hub: fans campaign numbers out to connected rally screens.
 *
 * The inbound webhook calls `notify(campaignId)` after its transaction commits. That is O(1) and
 * runs no query: with no screen watching the campaign it returns at once; otherwise it marks the
 * campaign dirty and schedules one recomputation `debounceMs` later, however many texts arrive
 * meanwhile and however many screens are connected. The recomputed numbers are pushed to every
 * screen only when they changed. Numbers come from the store, so computing them is asynchronous. A slow tick (`refreshMs`) recomputes anyway (changes made by
 * another process, the rolling 12-hour window) and pings idle connections so proxies keep them.
 */
import type { Logger } from 'pino';
import type { LiveStats } from '../../store/live/repository';

export interface LiveListener {
  stats(stats: LiveStats): void;
  ping(): void;
  /** The hub is closing (shutdown) or the display link was rotated. */
  close(): void;
}

export interface LiveHubOptions {
  debounceMs?: number;
  refreshMs?: number;
  /** Connected screens across all campaigns; beyond it `subscribe` refuses. */
  maxListeners?: number;
}

interface Channel {
  listeners: Set<LiveListener>;
  timer: NodeJS.Timeout | null;
  last: string;
}

export class LiveHub {
  private readonly channels = new Map<string, Channel>();
  private tick: NodeJS.Timeout | null = null;
  private listenerTotal = 0;
  private readonly debounceMs: number;
  private readonly refreshMs: number;
  private readonly maxListeners: number;
  /** Recomputations done (for tests and benchmarks: proves the debounce). */
  computations = 0;

  constructor(
    private readonly compute: (campaignId: string) => Promise<LiveStats | null>,
    private readonly logger: Logger,
    options: LiveHubOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 100;
    this.refreshMs = options.refreshMs ?? 15_000;
    this.maxListeners = options.maxListeners ?? 2_000;
  }

  get listeners(): number {
    return this.listenerTotal;
  }

  /**
   * Registers a screen with the current numbers (null: no such campaign); null when the hub is
   * full. The numbers are read first and the screen is registered after, in one step, so a
   * screen never waits registered without numbers.
   */
  async subscribe(campaignId: string, listener: LiveListener): Promise<{ stats: LiveStats | null; unsubscribe: () => void } | null> {
    if (this.listenerTotal >= this.maxListeners) return null;
    this.computations++;
    const stats = await this.compute(campaignId);
    if (this.listenerTotal >= this.maxListeners) return null;
    let ch = this.channels.get(campaignId);
    if (!ch) {
      ch = { listeners: new Set(), timer: null, last: '' };
      this.channels.set(campaignId, ch);
    }
    if (stats && ch.listeners.size === 0) ch.last = JSON.stringify(stats);
    ch.listeners.add(listener);
    this.listenerTotal++;
    this.startTick();
    let active = true;
    return {
      stats,
      unsubscribe: () => {
        if (!active) return;
        active = false;
        this.remove(campaignId, listener);
      },
    };
  }

  /** Something about this campaign may have changed. Cheap: no query, no I/O. */
  notify(campaignId: string | null | undefined): void {
    if (!campaignId) return;
    const ch = this.channels.get(campaignId);
    if (!ch || ch.timer) return;
    ch.timer = setTimeout(() => void this.flush(campaignId), this.debounceMs);
  }

  /** Ends every screen of a campaign (its display link changed); they reconnect or give up. */
  disconnect(campaignId: string): void {
    const ch = this.channels.get(campaignId);
    if (!ch) return;
    for (const l of [...ch.listeners]) {
      this.remove(campaignId, l);
      l.close();
    }
  }

  close(): void {
    for (const id of [...this.channels.keys()]) this.disconnect(id);
    this.stopTick();
  }

  private remove(campaignId: string, listener: LiveListener): void {
    const ch = this.channels.get(campaignId);
    if (!ch || !ch.listeners.delete(listener)) return;
    this.listenerTotal--;
    if (ch.listeners.size === 0) {
      if (ch.timer) clearTimeout(ch.timer);
      this.channels.delete(campaignId);
    }
    if (this.listenerTotal === 0) this.stopTick();
  }

  private async flush(campaignId: string, ping = false): Promise<void> {
    const before = this.channels.get(campaignId);
    if (!before) return;
    if (before.timer) clearTimeout(before.timer);
    before.timer = null;
    let stats: LiveStats | null;
    try {
      this.computations++;
      stats = await this.compute(campaignId);
    } catch (err) {
      this.logger.error({ err: (err as Error).message, campaignId }, 'live screen numbers could not be computed');
      return;
    }
    // The screens may all have gone (or the hub closed) while the numbers were read.
    const ch = this.channels.get(campaignId);
    if (!ch) return;
    const json = stats ? JSON.stringify(stats) : '';
    const changed = stats !== null && json !== ch.last;
    if (changed) ch.last = json;
    for (const l of ch.listeners) {
      try {
        if (changed) l.stats(stats!);
        else if (ping) l.ping();
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'live screen listener failed');
      }
    }
  }

  private startTick(): void {
    if (this.tick) return;
    this.tick = setInterval(() => {
      for (const id of [...this.channels.keys()]) void this.flush(id, true);
    }, this.refreshMs);
    this.tick.unref();
  }

  private stopTick(): void {
    if (this.tick) clearInterval(this.tick);
    this.tick = null;
  }
}
