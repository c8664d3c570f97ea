/**
 * Per-number flood guard: a token bucket per phone number, in memory.
 *
 * Each number may send `perMinute` texts in a burst and then one every 60/perMinute seconds
 * (20/min: a burst of 20, then one every 3 s). A stuck phone or an attacker sending 500 texts in
 * 10 s gets ~23 of them processed; nobody else is slowed, since the check is one Map lookup.
 * Memory is bounded: a bucket that has refilled completely is the same as no bucket and is
 * dropped, and at most `maxTracked` numbers are tracked (the least recently seen go first).
 * Pure: time is passed in, so tests drive it with a manual clock.
 *
 * The buckets form a least-recently-seen list of their own (prev/next), so a take is O(1). Before,
 * the Map's insertion order was the list: each take deleted and re-set its key, and the sweep
 * iterated the Map from its start. V8 leaves a deleted Map entry as a hole until the table is
 * rebuilt, and an iterator walks over every hole, so each take skipped thousands of them: 3 % of
 * the gateway's main thread in a rally (perf, docs/performance.md).
 */

interface Bucket {
  readonly key: string;
  /** Tokens scaled by 60,000 so that refill (perMinute per ms) and cost (60,000) are integers. */
  tokens: number;
  at: number;
  /** Texts refused since the bucket was last full: one log line per flood, not per text. */
  refused: number;
  /** Neighbours in the least-recently-seen list (null at either end). */
  prev: Bucket | null;
  next: Bucket | null;
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
  /** Ends of the least-recently-seen list. */
  private oldest: Bucket | null = null;
  private newest: Bucket | null = null;
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
      this.unlink(b); // appended again below: the list runs from least to most recently seen
      b.tokens = this.refilled(b, nowMs);
      b.at = nowMs;
      if (b.tokens >= this.capacity) b.refused = 0; // calmed down completely: a new flood later is news
    } else {
      b = { key, tokens: this.capacity, at: nowMs, refused: 0, prev: null, next: null };
      this.buckets.set(key, b);
    }
    this.append(b);
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

  /** Drops the oldest buckets that have refilled completely (two at most per take), and any beyond the cap. */
  private evict(nowMs: number): void {
    let checked = 0;
    for (let b = this.oldest; b; b = this.oldest) {
      const full = this.refilled(b, nowMs) >= this.capacity;
      if (!(this.buckets.size > this.maxTracked || (full && checked < 2))) break;
      this.unlink(b);
      this.buckets.delete(b.key);
      checked++;
    }
  }

  private append(b: Bucket): void {
    b.prev = this.newest;
    b.next = null;
    if (this.newest) this.newest.next = b;
    else this.oldest = b;
    this.newest = b;
  }

  private unlink(b: Bucket): void {
    if (b.prev) b.prev.next = b.next;
    else this.oldest = b.next;
    if (b.next) b.next.prev = b.prev;
    else this.newest = b.prev;
    b.prev = null;
    b.next = null;
  }
}
