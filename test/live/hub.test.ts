/**
 * The hub's cost model, with jest's fake timers (no waiting): a notify with no screen watching
 * computes nothing; a burst of notifies with many screens is one recomputation, delivered once
 * to each screen, and only when the numbers changed.
 */
import pino from 'pino';
import { LiveHub, type LiveListener } from '../../src/usecases/live/hub';
import type { LiveStats } from '../../src/usecases/live/stats';

/** Lets the hub's awaited reads (resolved promises) finish; timers stay fake. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

// Only timers are faked: the hub awaits its reads (promises), and the runner's own nextTick and
// microtask use must not count as a hub timer in getTimerCount().
beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] }));
afterEach(() => jest.useRealTimers());

function setup() {
  let joined = 0;
  const calls: string[] = [];
  const hub = new LiveHub(
    async (id) => {
      calls.push(id);
      return id === 'gone' ? null : { joined, completed: 0, pledgedCents: 0, paidCents: 0, goalCents: 0, since: '2026-11-21T08:00:00.000Z' };
    },
    pino({ level: 'silent' }),
    { debounceMs: 100, refreshMs: 15_000, maxListeners: 100, maxPerDisplay: 100, maxPerClient: 100 },
  );
  const screen = () => {
    const got: LiveStats[] = [];
    const l: LiveListener & { got: LiveStats[]; pings: number; closed: boolean } = {
      got, pings: 0, closed: false,
      stats: (s) => got.push(s),
      ping: () => l.pings++,
      close: () => (l.closed = true),
    };
    return l;
  };
  return { hub, calls, screen, bump: () => joined++ };
}

test('no screen watching: notify computes nothing and schedules nothing', () => {
  const { hub, calls } = setup();
  for (let i = 0; i < 1000; i++) hub.notify('c1');
  jest.advanceTimersByTime(1000);
  expect(calls).toEqual([]);
  expect(jest.getTimerCount()).toBe(0);
});

test('a burst of 1000 texts with 50 screens is one recomputation and one delivery per screen', async () => {
  const { hub, calls, screen, bump } = setup();
  const screens = Array.from({ length: 50 }, () => screen());
  for (const s of screens) await hub.subscribe('c1', s);
  expect(calls).toHaveLength(50); // each connection gets its numbers when it connects
  calls.length = 0;
  for (let i = 0; i < 1000; i++) {
    bump();
    hub.notify('c1');
  }
  expect(calls).toEqual([]); // the webhook path itself computes nothing
  jest.advanceTimersByTime(99);
  expect(calls).toEqual([]);
  jest.advanceTimersByTime(1);
  expect(calls).toEqual(['c1']);
  await settle();
  for (const s of screens) expect(s.got.map((x) => x.joined)).toEqual([1000]);
});

test('unchanged numbers are not re-sent; the slow tick pings instead', async () => {
  const { hub, screen } = setup();
  const s = screen();
  await hub.subscribe('c1', s);
  hub.notify('c1');
  jest.advanceTimersByTime(100);
  await settle();
  expect(s.got).toEqual([]);
  jest.advanceTimersByTime(15_000);
  await settle();
  expect(s.pings).toBe(1);
});

test('other campaigns are untouched; disconnect closes a campaign\'s screens; the listener cap holds', async () => {
  const { hub, calls, screen, bump } = setup();
  const a = screen();
  const b = screen();
  await hub.subscribe('c1', a);
  await hub.subscribe('c2', b);
  calls.length = 0;
  bump();
  hub.notify('c2');
  jest.advanceTimersByTime(100);
  expect(calls).toEqual(['c2']);
  await settle();
  expect(a.got).toEqual([]);
  expect(b.got).toHaveLength(1);
  hub.disconnect('c1');
  expect(a.closed).toBe(true);
  expect(hub.listeners).toBe(1);
  for (let i = 0; i < 99; i++) expect(await hub.subscribe('c3', screen())).not.toHaveProperty('refused');
  expect(await hub.subscribe('c3', screen(), 'another-client')).toEqual({ refused: 'hub' });
  hub.close();
  expect(hub.listeners).toBe(0);
  expect(jest.getTimerCount()).toBe(0);
});

test('unsubscribing the last screen stops the timers', async () => {
  const { hub, screen } = setup();
  const sub = await hub.subscribe('c1', screen());
  if ('refused' in sub) throw new Error('refused');
  hub.notify('c1');
  sub.unsubscribe();
  sub.unsubscribe();
  expect(hub.listeners).toBe(0);
  expect(jest.getTimerCount()).toBe(0);
});

test('rolling "tonight" window: a new `since` on every recompute is not a change; the tick pings', async () => {
  // With no counting-from moment set, `since` is now - 12 h: different on every recompute.
  let t = Date.parse('2026-11-21T20:00:00.000Z');
  const hub = new LiveHub(
    async () => ({ joined: 3, completed: 1, pledgedCents: 500, paidCents: 0, goalCents: 0, since: new Date((t += 1000) - 12 * 3_600_000).toISOString() }),
    pino({ level: 'silent' }),
    { debounceMs: 100, refreshMs: 15_000, maxListeners: 100 },
  );
  const got: LiveStats[] = [];
  let pings = 0;
  await hub.subscribe('c1', { stats: (s) => got.push(s), ping: () => pings++, close: () => undefined });
  hub.notify('c1');
  jest.advanceTimersByTime(100);
  await settle();
  jest.advanceTimersByTime(3 * 15_000);
  await settle();
  expect(got).toEqual([]);
  expect(pings).toBe(3);
  hub.close();
});

describe('connection limits (the defaults)', () => {
  const silent = pino({ level: 'silent' });
  const stats = async () => ({ joined: 0, completed: 0, pledgedCents: 0, paidCents: 0, goalCents: 0, since: '2026-11-21T08:00:00.000Z' });
  const screen = (): LiveListener => ({ stats: () => undefined, ping: () => undefined, close: () => undefined });
  const connected = (r: object) => !('refused' in r);

  test('2,050 connections to one display link leave room for every other campaign', async () => {
    const hub = new LiveHub(stats, silent);
    let accepted = 0;
    for (let i = 0; i < 2050; i++) if (connected(await hub.subscribe('c1', screen(), `10.0.${i >> 8}.${i & 255}`))) accepted++;
    expect(accepted).toBe(200);
    expect(await hub.subscribe('c1', screen(), '192.0.2.1')).toEqual({ refused: 'display' });
    for (let c = 2; c <= 10; c++) expect(connected(await hub.subscribe(`c${c}`, screen(), `192.0.2.${c}`))).toBe(true);
    hub.close();
  });

  test('one address gets 20 screens across all links; others are unaffected; closing one frees its place', async () => {
    const hub = new LiveHub(stats, silent);
    const subs = [];
    for (let i = 0; i < 20; i++) subs.push(await hub.subscribe(`c${i % 3}`, screen(), '203.0.113.7'));
    expect(subs.every(connected)).toBe(true);
    expect(await hub.subscribe('c9', screen(), '203.0.113.7')).toEqual({ refused: 'client' });
    expect(connected(await hub.subscribe('c0', screen(), '198.51.100.2'))).toBe(true);
    const first = subs[0]!;
    if ('refused' in first) throw new Error('refused');
    first.unsubscribe();
    expect(connected(await hub.subscribe('c9', screen(), '203.0.113.7'))).toBe(true);
    hub.close();
    expect(hub.listeners).toBe(0);
  });

  test('the total stays capped: ten full links and no more', async () => {
    const hub = new LiveHub(stats, silent);
    for (let c = 0; c < 10; c++) for (let i = 0; i < 200; i++) await hub.subscribe(`c${c}`, screen(), `10.${c}.${i >> 8}.${i & 255}`);
    expect(hub.listeners).toBe(2000);
    expect(await hub.subscribe('c10', screen(), '192.0.2.1')).toEqual({ refused: 'hub' });
    hub.close();
  });
});
