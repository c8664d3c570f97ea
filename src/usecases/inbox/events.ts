/**
 * Live inbox updates: a small pub/sub for the console's event stream (SSE). The inbound use case
 * publishes after a text's transaction commits, the inbox use cases after a reply, assignment or
 * done; `publish` is O(listeners), runs no query, and each listener only hears about threads its
 * person may see (an organizer: all; a volunteer: unassigned or assigned to them). The event
 * names the thread, not its text: the page fetches what changed through the API, which checks scope.
 *
 * Connections are capped per client address and in total, like the live rally screens' hub.
 */
import type { Actor } from '../sessions/actor';

export interface InboxEvent {
  contactId: string;
  /** The thread's assignee after the change (null: unassigned). */
  assignee: string | null;
  reason: 'text' | 'reply' | 'assigned' | 'status' | 'read';
}

export interface InboxListener {
  event(e: InboxEvent): void;
  ping(): void;
  close(): void;
}

export const INBOX_STREAM_LIMITS = { maxListeners: 500, maxPerClient: 10 } as const;

export interface InboxEventsOptions {
  maxListeners?: number;
  maxPerClient?: number;
  pingMs?: number;
}

export type InboxSubscription = { unsubscribe: () => void } | { refused: 'client' | 'hub' };

export class InboxEvents {
  private readonly listeners = new Map<InboxListener, { actor: Actor; client: string }>();
  private readonly perClient = new Map<string, number>();
  private tick: NodeJS.Timeout | null = null;
  private readonly maxListeners: number;
  private readonly maxPerClient: number;
  private readonly pingMs: number;

  constructor(options: InboxEventsOptions = {}) {
    this.maxListeners = options.maxListeners ?? INBOX_STREAM_LIMITS.maxListeners;
    this.maxPerClient = options.maxPerClient ?? INBOX_STREAM_LIMITS.maxPerClient;
    this.pingMs = options.pingMs ?? 20_000;
  }

  get size(): number {
    return this.listeners.size;
  }

  subscribe(actor: Actor, listener: InboxListener, client: string): InboxSubscription {
    if ((this.perClient.get(client) ?? 0) >= this.maxPerClient) return { refused: 'client' };
    if (this.listeners.size >= this.maxListeners) return { refused: 'hub' };
    this.listeners.set(listener, { actor, client });
    this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1);
    this.startTick();
    let active = true;
    return {
      unsubscribe: () => {
        if (!active) return;
        active = false;
        this.remove(listener);
      },
    };
  }

  /** A thread changed. Cheap: no query, no I/O. */
  publish(e: InboxEvent): void {
    for (const [l, { actor }] of this.listeners) {
      if (actor.role === 'volunteer' && e.assignee !== null && e.assignee !== actor.id) continue;
      try {
        l.event(e);
      } catch {
        // A listener whose connection broke is removed by its close handler.
      }
    }
  }

  close(): void {
    for (const l of [...this.listeners.keys()]) {
      this.remove(l);
      l.close();
    }
  }

  private remove(l: InboxListener): void {
    const entry = this.listeners.get(l);
    if (!entry) return;
    this.listeners.delete(l);
    const n = (this.perClient.get(entry.client) ?? 1) - 1;
    if (n > 0) this.perClient.set(entry.client, n);
    else this.perClient.delete(entry.client);
    if (this.listeners.size === 0 && this.tick) {
      clearInterval(this.tick);
      this.tick = null;
    }
  }

  private startTick(): void {
    if (this.tick) return;
    this.tick = setInterval(() => {
      for (const l of this.listeners.keys()) {
        try {
          l.ping();
        } catch {
          // see publish
        }
      }
    }, this.pingMs);
    this.tick.unref();
  }
}
