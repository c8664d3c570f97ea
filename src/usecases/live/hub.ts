/**
 * The live hub: fans campaign numbers out to connected rally screens.
 *
 * The inbound webhook calls `notify(campaignId)` after its transaction commits. That is O(1) and
 * runs no query: with no screen watching the campaign it returns at once; otherwise it marks the
 * campaign dirty and schedules one recomputation `debounceMs` later, however many texts arrive
 * meanwhile and however many screens are connected. The recomputed numbers are pushed to every
 * screen only when they changed. A slow tick (`refreshMs`) recomputes anyway (changes made by
 * another process, the rolling 12-hour window) and pings idle connections so proxies keep them.
 * Numbers come from the store, so computing them is asynchronous.
 *
 * Connections are capped three ways, so that whoever holds one display link (it is on the
 * projector for the whole hall to see) cannot take the room every other campaign's screens need:
 * per display link (a campaign's channel), per client address, and in total.
 */
import type { Logger } from 'pino';
import type { ScreenNumbers as LiveStats } from '../polls/screen';

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
  /** Screens on one display link (one campaign): a small share of the total. */
  maxPerDisplay?: number;
  /** Screens from one client address, across all links. */
  maxPerClient?: number;
}

export const LIVE_LIMITS = { maxListeners: 2_000, maxPerDisplay: 200, maxPerClient: 20 } as const;

export interface LiveSubscription {
  /** The current numbers (null: no such campaign). */
  stats: LiveStats | null;
  unsubscribe: () => void;
}

/** Why a screen was not connected: its client, its display link, or the whole hub is at its limit. */
export interface LiveRefusal {
  refused: 'client' | 'display' | 'hub';
}

/**
 * What a screen shows, to decide whether anything changed. Not `since`: in the rolling 12-hour
 * mode it moves on every recompute, which would make every tick a full push to every screen.
 */
function shownNumbers(s: LiveStats): string {
  const votes = s.poll || s.ideas ? `/${JSON.stringify(s.poll ?? null)}/${JSON.stringify(s.ideas ?? null)}` : '';
  // The leaderboard too: a SHOW or a STOP changes a name without changing any count.
  const board = s.leaderboard ? `/${JSON.stringify(s.leaderboard)}` : '';
  return `${s.joined}/${s.completed}/${s.pledgedCents}/${s.goalCents}${votes}${board}`;
}

interface Channel {
  /** Each screen and the client address it connected from. */
  listeners: Map<LiveListener, string>;
  timer: NodeJS.Timeout | null;
  last: string;
}

export class LiveHub {
  private readonly channels = new Map<string, Channel>();
  private tick: NodeJS.Timeout | null = null;
  private listenerTotal = 0;
  private readonly perClient = new Map<string, number>();
  private readonly debounceMs: number;
  private readonly refreshMs: number;
  private readonly maxListeners: number;
  private readonly maxPerDisplay: number;
  private readonly maxPerClient: number;
  /** Recomputations done (for tests and benchmarks: proves the debounce). */
  computations = 0;

  constructor(
    private readonly compute: (campaignId: string) => Promise<LiveStats | null>,
    private readonly logger: Logger,
    options: LiveHubOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 100;
    this.refreshMs = options.refreshMs ?? 15_000;
    this.maxListeners = options.maxListeners ?? LIVE_LIMITS.maxListeners;
    this.maxPerDisplay = options.maxPerDisplay ?? LIVE_LIMITS.maxPerDisplay;
    this.maxPerClient = options.maxPerClient ?? LIVE_LIMITS.maxPerClient;
  }

  get listeners(): number {
    return this.listenerTotal;
  }

  /**
   * Registers a screen from `client` with the current numbers, or says which limit refuses it.
   * The numbers are read first and the limits checked again before the screen is registered,
   * in one step, so a screen never waits registered without numbers.
   */
  async subscribe(campaignId: string, listener: LiveListener, client = 'unknown'): Promise<LiveSubscription | LiveRefusal> {
    const before = this.refusal(campaignId, client);
    if (before) return before;
    this.computations++;
    const stats = await this.compute(campaignId);
    const after = this.refusal(campaignId, client);
    if (after) return after;
    let ch = this.channels.get(campaignId);
    if (!ch) {
      ch = { listeners: new Map(), timer: null, last: '' };
      this.channels.set(campaignId, ch);
    }
    if (stats && ch.listeners.size === 0) ch.last = shownNumbers(stats);
    ch.listeners.set(listener, client);
    this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1);
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

  private refusal(campaignId: string, client: string): LiveRefusal | null {
    if ((this.perClient.get(client) ?? 0) >= this.maxPerClient) return { refused: 'client' };
    if ((this.channels.get(campaignId)?.listeners.size ?? 0) >= this.maxPerDisplay) return { refused: 'display' };
    if (this.listenerTotal >= this.maxListeners) return { refused: 'hub' };
    return null;
  }

  /** Something about this campaign may have changed. Cheap: no query, no I/O. */
  notify(campaignId: string | null | undefined): void {
    if (!campaignId) return;
    const ch = this.channels.get(campaignId);
    if (!ch || ch.timer) return;
    ch.timer = setTimeout(() => void this.flush(campaignId), this.debounceMs);
  }

  /** Every watched campaign may have changed (signals from other processes were missed): recompute each, debounced. */
  refreshAll(): void {
    for (const id of this.channels.keys()) this.notify(id);
  }

  /** Ends every screen of a campaign (its display link changed); they reconnect or give up. */
  disconnect(campaignId: string): void {
    const ch = this.channels.get(campaignId);
    if (!ch) return;
    for (const l of [...ch.listeners.keys()]) {
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
    const client = ch?.listeners.get(listener);
    if (!ch || client === undefined) return;
    ch.listeners.delete(listener);
    const n = (this.perClient.get(client) ?? 1) - 1;
    if (n > 0) this.perClient.set(client, n);
    else this.perClient.delete(client);
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
    const shown = stats ? shownNumbers(stats) : '';
    const changed = stats !== null && shown !== ch.last;
    if (changed) ch.last = shown;
    for (const l of ch.listeners.keys()) {
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
