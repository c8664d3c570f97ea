/**
 * Live rally screen benchmark (loopback, in one process):
 *  1. text → screen latency: a signed webhook, then the time until a connected screen's event
 *     stream shows the new count (isolated texts, one at a time);
 *  2. the webhook's own cost with 0, 100 and 1,000 screens connected (sequential signed texts),
 *     showing that connected screens add nothing to the inbound path.
 * Prints a table and writes bench/results/live-screen.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/wiring/config';
import { createServer } from 'node:http';
import { gatewayListener } from '../src/http/front-door';
import { createLogger } from '../src/shared/logger';
import { createContext } from '../src/wiring/create-context';
import { sqliteOf } from '../src/store/sqlite/store';
import { ensureDisplay } from '../src/usecases/live/screens';
import { sendText } from '../src/twilio/rehearse';

const AUTH = 'bench-auth-token-0123456789abcdef';
const PUBLIC = 'https://sms.bench.example';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rallytext-bench-live-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`, TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`, TWILIO_AUTH_TOKEN: AUTH,
    PUBLIC_BASE_URL: PUBLIC, ADMIN_TOKEN: 'bench-admin-token-0123456789', LOG_LEVEL: 'silent', QUIET_HOURS: 'off',
  });
  // One client address opens every screen here: lift the per-link and per-address caps (not the total).
  const ctx = createContext(config, createLogger('silent'), { live: { maxPerDisplay: 2_000, maxPerClient: 2_000 } });
  const server = createServer(gatewayListener(ctx)).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const campaignId = (sqliteOf(ctx.store).sqlite.prepare('SELECT id FROM campaigns').get() as { id: string }).id;
  const token = (await ensureDisplay(ctx.store, campaignId, new Date())).token;
  let phone = 3_125_550_000;
  const text = (body = 'JOIN') =>
    sendText({ postUrl: `${base}/twilio/sms`, signedUrl: `${PUBLIC}/twilio/sms`, authToken: AUTH, from: `+1${++phone}`, to: '62262', body });

  // A probe screen that resolves waiters when the joined count reaches a value.
  const aborts: AbortController[] = [];
  let latestJoined = -1;
  let waiter: { target: number; resolve: () => void } | null = null;
  const open = async (probe: boolean) => {
    const ac = new AbortController();
    aborts.push(ac);
    const res = await fetch(`${base}/live/${token}/events`, { signal: ac.signal });
    void (async () => {
      const dec = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          if (!probe) continue;
          const m = [...dec.decode(chunk).matchAll(/"joined":(\d+)/g)].pop();
          if (m) latestJoined = Number(m[1]);
          if (waiter && latestJoined >= waiter.target) {
            const w = waiter;
            waiter = null;
            w.resolve();
          }
        }
      } catch {
        /* closed */
      }
    })();
  };
  await open(true);
  while (latestJoined < 0) await new Promise((r) => setTimeout(r, 5));

  const latencies: number[] = [];
  for (let i = 0; i < 40; i++) {
    const target = latestJoined + 1;
    const started = performance.now();
    const seen = new Promise<void>((resolve) => (waiter = { target, resolve }));
    await text();
    await seen;
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);

  const rows: { screens: number; texts: number; p50: number; p99: number; perSec: number; recomputations: number }[] = [];
  let screens = 1;
  for (const target of [1, 100, 1000]) {
    while (screens < target) {
      await open(false);
      screens++;
    }
    const n = 600;
    const times: number[] = [];
    const before = ctx.live.computations;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await text();
      times.push(performance.now() - s);
    }
    const elapsed = performance.now() - t0;
    times.sort((a, b) => a - b);
    rows.push({ screens: target, texts: n, p50: pct(times, 50), p99: pct(times, 99), perSec: (n / elapsed) * 1000, recomputations: ctx.live.computations - before });
  }

  console.log('\nText → live screen (isolated signed webhooks, 40 samples, debounce 100 ms):');
  console.log(`  p50 ${pct(latencies, 50).toFixed(1)} ms   p99 ${pct(latencies, 99).toFixed(1)} ms   max ${latencies[latencies.length - 1]!.toFixed(1)} ms`);
  console.log('\nWebhook with screens connected (sequential signed JOIN texts):');
  console.log('| screens | texts | webhook p50 | webhook p99 | texts/s | hub recomputations |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.screens} | ${r.texts} | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${r.perSec.toFixed(0)} | ${r.recomputations} |`);
  }
  const out = path.join(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, 'live-screen.json'),
    JSON.stringify({ at: new Date().toISOString(), textToScreenMs: { p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies.at(-1) }, rows }, null, 2),
  );
  aborts.forEach((a) => a.abort());
  ctx.live.close();
  server.closeAllConnections();
  server.close();
  sqliteOf(ctx.store).close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
