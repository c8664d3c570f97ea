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
      return id === 'gone' ? null : { joined, completed: 0, pledgedCents: 0, goalCents: 0, since: '2026-11-21T08:00:00.000Z' };
    },
    pino({ level: 'silent' }),
    { debounceMs: 100, refreshMs: 15_000, maxListeners: 100 },
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
  for (let i = 0; i < 99; i++) expect(await hub.subscribe('c3', screen())).not.toBeNull();
  expect(await hub.subscribe('c3', screen())).toBeNull();
  hub.close();
  expect(hub.listeners).toBe(0);
  expect(jest.getTimerCount()).toBe(0);
});

test('unsubscribing the last screen stops the timers', async () => {
  const { hub, screen } = setup();
  const sub = (await hub.subscribe('c1', screen()))!;
  hub.notify('c1');
  sub.unsubscribe();
  sub.unsubscribe();
  expect(hub.listeners).toBe(0);
  expect(jest.getTimerCount()).toBe(0);
});
