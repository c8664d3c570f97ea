import { FloodGuard } from '../../src/core/flood';

describe('per-number flood guard', () => {
  test('a burst of the limit, then one text per 60/limit seconds', () => {
    const g = new FloodGuard(20);
    const t0 = 1_000_000;
    const allowed = Array.from({ length: 25 }, () => g.take('+13125550100', t0).allowed);
    expect(allowed.filter(Boolean)).toHaveLength(20);
    expect(allowed.slice(20)).toEqual([false, false, false, false, false]);
    expect(g.take('+13125550100', t0 + 2_999).allowed).toBe(false);
    expect(g.take('+13125550100', t0 + 3_000).allowed).toBe(true);
    expect(g.take('+13125550100', t0 + 3_001).allowed).toBe(false);
  });

  test('500 texts in 10 seconds: 23 get through', () => {
    const g = new FloodGuard(20);
    let through = 0;
    for (let i = 0; i < 500; i++) if (g.take('+13125550100', i * 20).allowed) through++;
    expect(through).toBe(23); // 20 at once + one per 3 s over 10 s
  });

  test('one number flooding does not touch anyone else', () => {
    const g = new FloodGuard(20);
    for (let i = 0; i < 500; i++) g.take('+13125550100', 0);
    for (let n = 0; n < 1000; n++) expect(g.take(`+1773555${String(n).padStart(4, '0')}`, 0).allowed).toBe(true);
  });

  test('the first refused text of a flood is flagged once, again only after the number calms down', () => {
    const g = new FloodGuard(2);
    expect(g.take('a', 0).floodStarted).toBe(false);
    g.take('a', 0);
    expect(g.take('a', 0)).toEqual({ allowed: false, floodStarted: true });
    expect(g.take('a', 1)).toEqual({ allowed: false, floodStarted: false });
    // A token trickles back mid-flood: let through, but the flood goes on and is not news again.
    expect(g.take('a', 30_000).allowed).toBe(true);
    expect(g.take('a', 30_001)).toEqual({ allowed: false, floodStarted: false });
    // Quiet for a full minute: the next flood is flagged again.
    expect(g.take('a', 100_000).allowed).toBe(true);
    g.take('a', 100_000);
    expect(g.take('a', 100_000).floodStarted).toBe(true);
  });

  test('memory stays bounded: idle numbers are forgotten and the tracked set is capped', () => {
    const g = new FloodGuard(20, 1000);
    for (let n = 0; n < 50_000; n++) g.take(`+1${2_000_000_000 + n}`, n);
    expect(g.size).toBeLessThanOrEqual(1000);
    const idle = new FloodGuard(20);
    for (let n = 0; n < 10_000; n++) idle.take(`+1${2_000_000_000 + n}`, n * 60_000);
    expect(idle.size).toBeLessThan(10);
  });
});

describe('per-number flood guard, the cap', () => {
  test('beyond the cap the least recently seen number is forgotten, not the first seen', () => {
    const g = new FloodGuard(1, 3); // one text a minute, three numbers tracked
    for (const n of ['a', 'b', 'c']) expect(g.take(n, 0).allowed).toBe(true);
    expect(g.take('a', 0).allowed).toBe(false); // a is now the most recently seen
    expect(g.take('d', 0).allowed).toBe(true); // over the cap: b goes
    expect(g.size).toBe(3);
    expect(g.take('b', 0).allowed).toBe(true); // forgotten, so a fresh bucket (and c goes)
    expect(g.take('a', 0).allowed).toBe(false); // a was kept, still empty
    expect(g.take('d', 0).allowed).toBe(false);
    expect(g.take('c', 0).allowed).toBe(true);
  });
});
