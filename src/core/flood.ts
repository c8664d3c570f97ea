/**
 * Per-number flood guard: a token bucket per phone number, in memory.
 *
 * Each number may send `perMinute` texts in a burst and then one every 60/perMinute seconds
 * (20/min: a burst of 20, then one every 3 s). A stuck phone or an attacker sending 500 texts in
 * 10 s gets ~23 of them processed; nobody else is slowed, since the check is one Map lookup.
 * Memory is bounded: a bucket that has refilled completely is the same as no bucket and is
 * dropped, and at most `maxTracked` numbers are tracked (the least recently seen go first).
 * Pure: time is passed in, so tests drive it with a manual clock.
 */

interface Bucket {
  /** Tokens scaled by 60,000 so that refill (perMinute per ms) and cost (60,000) are integers. */
  tokens: number;
  at: number;
  /** Texts refused since the bucket was last full: one log line per flood, not per text. */
  refused: number;
}

export interface FloodVerdict {
  allowed: boolean;
  /** True for the first refused text since the number was last idle: the moment to log it, once. */
  floodStarted: boolean;
}

/**
 * A per-number limit as the inbound use case sees it: this in-memory guard (one process per
 * database, SQLite), or buckets every gateway process takes from (PostgreSQL,
 * src/store/postgres/flood.ts), which answer asynchronously.
 */
export interface FloodCheck {
  take(key: string, nowMs: number): FloodVerdict | Promise<FloodVerdict>;
}

const COST = 60_000;

export class FloodGuard implements FloodCheck {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;

  constructor(
    private readonly perMinute: number,
    private readonly maxTracked = 100_000,
  ) {
    this.capacity = perMinute * COST;
  }

  /** Takes a token for `key` at `nowMs`; false when the number is over its limit. */
  take(key: string, nowMs: number): FloodVerdict {
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key); // re-inserted below: Map order = least recently seen first
      b.tokens = this.refilled(b, nowMs);
      b.at = nowMs;
      if (b.tokens >= this.capacity) b.refused = 0; // calmed down completely: a new flood later is news
    } else {
      b = { tokens: this.capacity, at: nowMs, refused: 0 };
    }
    this.buckets.set(key, b);
    let verdict: FloodVerdict;
    if (b.tokens >= COST) {
      b.tokens -= COST;
      verdict = { allowed: true, floodStarted: false };
    } else {
      b.refused += 1;
      verdict = { allowed: false, floodStarted: b.refused === 1 };
    }
    // After the take, this bucket is not full, so the sweep never drops the one just used.
    this.evict(nowMs);
    return verdict;
  }

  /** Numbers currently tracked (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(b: Bucket, nowMs: number): number {
    return Math.min(this.capacity, b.tokens + Math.max(0, nowMs - b.at) * this.perMinute);
  }

  /** Drops the oldest buckets that have refilled completely, and any beyond the cap. */
  private evict(nowMs: number): void {
    let checked = 0;
    for (const [key, b] of this.buckets) {
      const full = this.refilled(b, nowMs) >= this.capacity;
      if (this.buckets.size > this.maxTracked || (full && checked < 2)) {
        this.buckets.delete(key);
        checked++;
        continue;
      }
      break;
    }
  }
}
