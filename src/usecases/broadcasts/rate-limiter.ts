/**
 * The send-rate cap, counted in message segments (a 3-segment text costs 3), as a GCRA / virtual
 * scheduling limiter: each segment moves a "theoretical arrival time" forward by 1/rate seconds,
 * and a send may start once that time is no more than `burstMs` ahead of now. Long-run accuracy
 * does not depend on timer precision (lateness is absorbed, not accumulated). The time source is
 * injected: tests use a virtual timer whose sleep advances time, so nothing real waits.
 */
export interface Timer {
  /** Monotonic milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTimer: Timer = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

export class SegmentRateLimiter {
  private readonly interval: number;
  private tat = -Infinity;

  /** `segmentsPerSecond` null: no cap. */
  constructor(
    readonly segmentsPerSecond: number | null,
    private readonly timer: Timer = realTimer,
    private readonly burstMs = 100,
  ) {
    this.interval = segmentsPerSecond === null ? 0 : 1000 / segmentsPerSecond;
  }

  /** Milliseconds until `segments` more may be sent (0: now). */
  delay(): number {
    if (this.segmentsPerSecond === null) return 0;
    return Math.max(0, this.tat - this.burstMs - this.timer.now());
  }

  /** Wait until sending is allowed, then account for `segments`. */
  async take(segments: number): Promise<void> {
    if (this.segmentsPerSecond === null) return;
    for (let wait = this.delay(); wait > 0; wait = this.delay()) await this.timer.sleep(wait);
    this.charge(segments);
  }

  /** Account for segments without waiting (a correction once the real count is known; negative refunds). */
  charge(segments: number): void {
    if (this.segmentsPerSecond === null || segments === 0) return;
    this.tat = Math.max(this.tat, this.timer.now()) + segments * this.interval;
  }

  /** Hold all sending for `ms` (Twilio said 429: slow down). */
  penalize(ms: number): void {
    if (this.segmentsPerSecond === null) return;
    this.tat = Math.max(this.tat, this.timer.now() + this.burstMs) + ms;
  }
}

/** A timer for tests: sleeping advances time instantly. `onSleep` lets a wall clock move with it. */
export class VirtualTimer implements Timer {
  private t = 0;
  slept = 0;
  constructor(private readonly onSleep?: (ms: number) => void) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
    this.slept += ms;
    this.onSleep?.(ms);
  }
}
