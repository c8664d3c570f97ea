/** Time and identity are injected so the core stays deterministic under test. */
export interface Clock {
  /** Current instant. */
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can move by hand; never sleep to let time pass. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string = '2026-11-21T20:00:00.000Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export type IdGenerator = () => string;

export const HOUR_MS = 3_600_000;
