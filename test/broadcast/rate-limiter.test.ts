/** The segment rate limiter in virtual time: burst allowance, steady pacing, corrections, 429 holds. */
import { SegmentRateLimiter, VirtualTimer } from '../../src/usecases/broadcasts/rate-limiter';

describe('SegmentRateLimiter', () => {
  test('paces segments at the rate after a 100 ms burst', async () => {
    const t = new VirtualTimer();
    const l = new SegmentRateLimiter(10, t); // one segment per 100 ms
    for (let i = 0; i < 2; i++) await l.take(1); // the burst allowance: no wait
    expect(t.now()).toBe(0);
    for (let i = 0; i < 10; i++) await l.take(1);
    expect(t.now()).toBe(1000);
  });

  test('a 3-segment text costs three times as much as a 1-segment one', async () => {
    const t = new VirtualTimer();
    const l = new SegmentRateLimiter(10, t);
    await l.take(3);
    await l.take(3);
    expect(t.now()).toBe(200); // 300 ms of budget used, 100 ms burst
    await l.take(3);
    expect(t.now()).toBe(500);
  });

  test('corrections and refunds move the schedule; a 429 hold delays the next send', async () => {
    const t = new VirtualTimer();
    const l = new SegmentRateLimiter(10, t);
    await l.take(5);
    l.charge(-4); // it was a 1-segment text after all: the next one still fits the burst
    await l.take(1);
    expect(t.now()).toBe(0);
    await l.take(1);
    expect(t.now()).toBe(100);
    l.penalize(1_000); // 429: nothing for a second on top of what is already scheduled
    expect(l.delay()).toBe(1_100);
    await l.take(1);
    expect(t.now()).toBe(1_200);
  });

  test('no cap: never waits', async () => {
    const t = new VirtualTimer();
    const l = new SegmentRateLimiter(null, t);
    for (let i = 0; i < 1000; i++) await l.take(5);
    l.penalize(10_000);
    expect(t.now()).toBe(0);
  });

  test('a late timer does not lose throughput: lateness is absorbed, not accumulated', async () => {
    let now = 0;
    const lateTimer = { now: () => now, sleep: async (ms: number) => void (now += ms + 7) }; // every sleep overshoots 7 ms
    const l = new SegmentRateLimiter(100, lateTimer); // 10 ms per segment
    for (let i = 0; i < 1000; i++) await l.take(1);
    // 1000 segments at 100/s = 10 s; the overshoot must not add up to 1000 × 7 ms.
    expect(now).toBeLessThan(10_000 + 100);
  });
});
