/**
 * Preloaded into the gateway by bench/export.ts (node --require): measures the server's own
 * event-loop delay with perf_hooks. On SIGUSR2 it writes what it saw since the last signal to
 * $LOOP_PROBE_FILE and starts over, so the bench can bracket one export or one import.
 * Not part of the gateway; bench/index.ts skips files starting with "_".
 */
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.LOOP_PROBE_FILE;
if (file) {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  let seq = 0;
  process.on('SIGUSR2', () => {
    seq++;
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    fs.writeFileSync(file, JSON.stringify({ seq, maxMs: ms(h.max), p99Ms: ms(h.percentile(99)), meanMs: ms(h.mean), samples: h.count }));
    h.reset();
  });
}
