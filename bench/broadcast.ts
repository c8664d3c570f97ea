/**
 * `npm run bench:broadcast`: broadcast throughput against the loopback fake Twilio API.
 *
 * Every phase runs in its own process (so peak RSS is per phase) and the fake runs in another
 * (so it does not share an event loop with what is measured). Rates are measured where Twilio
 * would see them: first to last message created at the fake.
 *   raw       the official twilio client alone: messages.create as fast as it goes, 64 in flight
 *   dispatch  the real dispatcher over a real SQLite database: snapshot, claim + opt-out gate per
 *             text, send, record; cap off (64 in flight), and with SEND_RATE_MPS = 500
 * Prints one table; writes bench/results/broadcast.json.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import twilio from 'twilio';
import { BroadcastService } from '../src/usecases/broadcasts/service';
import { createDispatcher } from '../src/wiring/broadcasts';
import { tuneDispatcherProcess } from '../src/wiring/dispatcher-process';
import { loadConfig } from '../src/wiring/config';
import { systemClock } from '../src/core/clock';
import { uuid } from '../src/shared/ids';
import { createLogger } from '../src/shared/logger';
import { createContext, openContext } from '../src/wiring/create-context';
import { sqliteOf } from '../src/store/sqlite/store';
import http from 'node:http';
import v8 from 'node:v8';
import RequestClient from 'twilio/lib/base/RequestClient';
import { FakeTwilio } from '../test/helpers/fake-twilio';

const ACCOUNT_SID = `AC${'b'.repeat(32)}`;
const AUTH_TOKEN = 'bench-auth-token-0123456789';
const IN_FLIGHT = 64;
const N = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
const N_SMALL = Math.max(1000, Math.round(N / 10));
const CAPPED_RATE = 500;
const N_CAPPED = Number(process.env.BENCH_CAPPED_RECIPIENTS ?? 10_000);
const DISPATCH_NODE_ARGS = (process.env.BENCH_DISPATCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

interface FakeStats {
  created: number;
  unique: number;
  maxPerNumber: number;
  /** Messages per second, first to last created. */
  rate: number;
  /** Messages per second in the steady state: the middle of the run, first and last 10% left out. */
  steadyRate: number;
}

/** Rate over the middle 80% of the creation times (no start-up burst, no tail). */
function steady(times: number[]): number {
  if (times.length < 10) return 0;
  const a = Math.floor(times.length * 0.1);
  const b = Math.floor(times.length * 0.9);
  const span = (times[b]! - times[a]!) / 1000;
  return span > 0 ? (b - a) / span : 0;
}

interface PhaseResult {
  phase: string;
  messages: number;
  seconds: number;
  peakRssMb: number;
  /** CPU time of the phase's process while sending, as a share of one core. */
  cpuPercent: number;
  snapshotSeconds?: number;
}

function cpuPercent(since: NodeJS.CpuUsage, seconds: number): number {
  const u = process.cpuUsage(since);
  return Math.round(((u.user + u.system) / 1e6 / seconds) * 100);
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * BENCH_TRACE_MEMORY=1: one line per stage of a dispatch phase on stderr: RSS, V8 heap (used /
 * committed), code space, external/array buffers, and the peak so far. What the peak is made of.
 */
const TRACE = process.env.BENCH_TRACE_MEMORY === '1';
function traceMemory(stage: string): void {
  if (!TRACE) return;
  const m = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((sp) => [sp.space_name, sp]));
  const mb = (x: number) => (x / 1048576).toFixed(1);
  process.stderr.write(
    `  [mem] ${stage.padEnd(28)} rss ${mb(m.rss)} peak ${peakRssMb()} | heap used ${mb(m.heapUsed)} committed ${mb(m.heapTotal)}` +
      ` (new ${mb(spaces.new_space!.space_size)}, old ${mb(spaces.old_space!.space_size)}, code ${mb(spaces.code_space!.space_size)})` +
      ` | external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)} | modules ${Object.keys(require.cache).length}\n`,
  );
}

// ---------------------------------------------------------------- child: the fake Twilio API
async function runFake(): Promise<void> {
  const fake = await new FakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, record: false, times: true }).listen();
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'stats') {
      const counts = [...fake.createdPerNumber.values()];
      const span = (fake.lastCreatedAt - fake.firstCreatedAt) / 1000;
      const stats: FakeStats = {
        created: fake.createdCount, unique: counts.length, maxPerNumber: counts.reduce((a, b) => Math.max(a, b), 0),
        rate: span > 0 ? (fake.createdCount - 1) / span : 0, steadyRate: steady(fake.createdTimes),
      };
      process.send!({ stats });
    } else if (m.cmd === 'reset') {
      fake.createdCount = 0;
      fake.createdPerNumber.clear();
      fake.createdTimes.length = 0;
      process.send!({ reset: true });
    } else if (m.cmd === 'exit') {
      void fake.close().then(() => process.exit(0));
    }
  });
  process.send!({ url: fake.url });
}

// ---------------------------------------------------------------- child: the raw client
/**
 * The SDK's own transport (axios), pointed at the fake: the "bare official client" the dispatcher
 * is compared with. (The gateway uses its own node:http transport, src/twilio/http-transport.ts.)
 */
class SdkTransportToFake extends RequestClient {
  constructor(private readonly base: string, opts: RequestClient.RequestClientOptions) {
    super(opts);
    this.axios.defaults.httpAgent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT, maxFreeSockets: IN_FLIGHT });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, this.base.replace(/\/+$/, '')) });
  }
}

async function runRaw(url: string, n: number): Promise<void> {
  const client = twilio(ACCOUNT_SID, AUTH_TOKEN, {
    httpClient: new SdkTransportToFake(url, { keepAlive: true, maxSockets: IN_FLIGHT, timeout: 15_000 }),
  });
  let next = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await client.messages.create({ to: `+1312${String(5_000_000 + i).padStart(7, '0')}`, from: '62262', body: 'Thanks for coming, friend! Canvass Saturday 10am.\nReply STOP to opt out', statusCallback: 'https://sms.example.org/twilio/status' });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  const result: PhaseResult = { phase: 'raw', messages: n, seconds, peakRssMb: peakRssMb(), cpuPercent: cpuPercent(cpu0, seconds) };
  process.send!({ result });
}

// ---------------------------------------------------------------- child: the audience (seeded)
function benchConfig(dbFile: string, url: string, rate: number | null, seedDemo: boolean) {
  return loadConfig({
    NODE_ENV: 'production', DATABASE_URL: `sqlite:${dbFile}`, PUBLIC_BASE_URL: 'https://sms.example.org',
    TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_API_BASE_URL: url, ADMIN_TOKEN: 'bench-admin-token-0123456789',
    SEND_RATE_MPS: String(rate ?? 100), QUIET_HOURS: 'off', SEED_DEMO: seedDemo ? 'true' : 'false', LOG_LEVEL: 'warn',
  });
}

const quietLogger = () => createLogger('warn', new Writable({ write: (_c, _e, cb) => cb() }));

/**
 * The database a broadcast is sent from: n subscribed members of the demo campaign and one
 * broadcast to all of them, queued (sending, not yet snapshotted). Its own process: in production
 * the contacts arrive through the gateway or an import, not in the process that sends, so the
 * dispatcher is measured from a cold start as dispatch-main.ts starts (its page cache and heap
 * not filled by the seeding).
 */
async function runSeed(dbFile: string, n: number, rate: number | null): Promise<void> {
  const config = benchConfig(dbFile, 'http://127.0.0.1:9', rate, true);
  const ctx = createContext(config, quietLogger(), { clock: systemClock, newId: uuid });
  const s = sqliteOf(ctx.store);
  const campaignId = s.first(s.db.selectFrom('campaigns').select('id'))!.id;
  const now = new Date().toISOString();
  s.tx(() => {
    const contact = s.prepare("INSERT INTO contacts (id, phone, first_name, zip, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'subscribed', ?, ?)");
    const member = s.prepare("INSERT INTO campaign_members (campaign_id, contact_id, keyword, joined_at) VALUES (?, ?, 'JOIN', ?)");
    for (let i = 0; i < n; i++) {
      const id = uuid();
      contact.run(id, `+1312${String(5_000_000 + i).padStart(7, '0')}`, i % 3 === 0 ? null : `Name${i % 997}`, '60614', now, now);
      member.run(campaignId, id, now);
    }
  });
  const svc = new BroadcastService({ store: ctx.store, clock: systemClock, newId: uuid, sendRateMps: rate ?? 100, quietHours: null, footerText: config.broadcastFooter });
  const b = await svc.create({ name: 'bench', template: 'Thanks for coming, {{first_name|friend}}! Canvass Saturday 10am.', audience: { campaigns: [campaignId] } });
  await svc.send(b.id);
  await ctx.store.close();
  process.send!({ seeded: b.id });
}

// ---------------------------------------------------------------- child: the dispatcher
async function runDispatch(dbFile: string, broadcastId: string, url: string, n: number, rate: number | null): Promise<void> {
  // As dispatch-main.ts sets itself up and opens the database: the gateway's configuration, no
  // demo seeding, the dispatcher process's tuning (BENCH_UNTUNED=1: the gateway's settings).
  const runtime = process.env.BENCH_UNTUNED === '1' ? {} : tuneDispatcherProcess();
  traceMemory('start (bench code loaded)');
  const config = benchConfig(dbFile, url, rate, false);
  const ctx = await openContext(config, quietLogger(), { ...runtime, clock: systemClock, newId: uuid });
  traceMemory('context open');
  const dispatcher = createDispatcher(ctx, { rateMps: rate, concurrency: IN_FLIGHT });
  const tick = TRACE ? setInterval(() => traceMemory('sending'), 2000) : null;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  await dispatcher.runUntilIdle();
  if (tick) clearInterval(tick);
  traceMemory('done');
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuPercent(cpu0, seconds);
  const peak = peakRssMb();
  const svc = new BroadcastService({ store: ctx.store, clock: systemClock, newId: uuid, sendRateMps: rate ?? 100, quietHours: null, footerText: config.broadcastFooter });
  const view = await svc.get(broadcastId);
  if (view.status !== 'done' || view.counts.queued !== n) throw new Error(`broadcast not complete: ${JSON.stringify(view.counts)}`);
  const b = await ctx.store.broadcasts.get(broadcastId);
  const result: PhaseResult = {
    phase: rate === null ? 'dispatch' : `dispatch@${rate}`, messages: n, seconds, peakRssMb: peak, cpuPercent: cpu,
    snapshotSeconds: (Date.parse(b.snapshot_at!) - Date.parse(b.started_at!)) / 1000,
  };
  await ctx.store.close();
  process.send!({ result });
}

// ---------------------------------------------------------------- orchestrator
function ask<T>(child: ChildProcess, msg: object, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', on);
        resolve(m[key] as T);
      }
    };
    child.on('message', on);
    if (Object.keys(msg).length > 0) child.send(msg);
  });
}

/** A child process of this file; resolves to its answer under `key`, rejects if it exits without one. */
async function child<T>(args: string[], key: string): Promise<T> {
  const c = fork(__filename, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => c.on('exit', resolve));
  const answer = await Promise.race([
    ask<T>(c, {}, key),
    exited.then((code) => { throw new Error(`${args[0]} ${args.slice(1).join(' ')} exited with ${code}`); }),
  ]);
  await exited;
  return answer;
}

async function phase(fake: ChildProcess, url: string, args: string[]): Promise<PhaseResult & { fake: FakeStats }> {
  let dir: string | null = null;
  if (args[0] === 'dispatch') {
    // dispatch <n> <rate>: the audience is seeded by its own process first.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rallytext-bench-broadcast-'));
    const dbFile = path.join(dir, 'bench.db');
    const broadcastId = await child<string>(['seed', dbFile, args[1]!, args[2]!], 'seeded');
    args = [...args, dbFile, broadcastId];
  }
  try {
    return await runPhase(fake, url, args);
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function runPhase(fake: ChildProcess, url: string, args: string[]): Promise<PhaseResult & { fake: FakeStats }> {
  await ask(fake, { cmd: 'reset' }, 'reset');
  const child = fork(__filename, args.concat(url), {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: args[0] === 'dispatch' ? DISPATCH_NODE_ARGS : [],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const result = await Promise.race([
    ask<PhaseResult>(child, {}, 'result'),
    exited.then((code) => { throw new Error(`phase ${args.join(' ')} exited with ${code}`); }),
  ]);
  await exited;
  const stats = await ask<FakeStats>(fake, { cmd: 'stats' }, 'stats');
  if (stats.created !== result.messages || stats.unique !== result.messages || stats.maxPerNumber !== 1) {
    throw new Error(`fake saw ${stats.created} messages to ${stats.unique} numbers (max ${stats.maxPerNumber} each); expected ${result.messages} × 1`);
  }
  return { ...result, fake: stats };
}

/**
 * `--rss-runs=K`: only the dispatcher's peak RSS, K runs each at N and N/10 recipients (cap off),
 * min / median / max; writes bench/results/broadcast-rss.json. Extra node flags for the
 * dispatcher's process: BENCH_DISPATCH_NODE_ARGS.
 */
async function rssRuns(fake: ChildProcess, url: string, k: number): Promise<void> {
  const stats = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    return { min: s[0]!, median: s[Math.floor((s.length - 1) / 2)]!, max: s[s.length - 1]!, runs: xs };
  };
  const out: Record<string, unknown> = { at: new Date().toISOString(), node: process.version, nodeArgs: DISPATCH_NODE_ARGS, loadAverage: os.loadavg() };
  for (const n of [N, N_SMALL]) {
    const peaks: number[] = [];
    for (let i = 0; i < k; i++) {
      const r = await phase(fake, url, ['dispatch', String(n), 'off']);
      peaks.push(r.peakRssMb);
      console.log(`  dispatcher, ${n.toLocaleString('en-US')} recipients, run ${i + 1}: peak RSS ${r.peakRssMb} MB (${Math.round(r.fake.rate)} msg/s)`);
    }
    const st = stats(peaks);
    out[String(n)] = st;
    console.log(`dispatcher peak RSS, ${n.toLocaleString('en-US')} recipients: min ${st.min} / median ${st.median} / max ${st.max} MB`);
  }
  const outDir = path.join(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'broadcast-rss.json'), `${JSON.stringify(out, null, 2)}\n`);
}

async function main(): Promise<void> {
  const fake = fork(__filename, ['fake'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await ask<string>(fake, {}, 'url');
  const rssK = process.argv.find((x) => x.startsWith('--rss-runs='));
  if (rssK) {
    try {
      await rssRuns(fake, url, Number(rssK.split('=')[1]));
    } finally {
      fake.send({ cmd: 'exit' });
    }
    return;
  }
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  try {
    console.log(`broadcast benchmark: ${N.toLocaleString('en-US')} recipients, loopback fake Twilio API, ${IN_FLIGHT} requests in flight, node ${process.version}, ${os.cpus().length} CPUs`);
    const raw = await phase(fake, url, ['raw', String(N)]);
    console.log(`  raw twilio client ............ ${fmt(raw.fake.rate)} msg/s`);
    const off = await phase(fake, url, ['dispatch', String(N), 'off']);
    console.log(`  dispatcher, cap off .......... ${fmt(off.fake.rate)} msg/s`);
    const small = await phase(fake, url, ['dispatch', String(N_SMALL), 'off']);
    const capped = await phase(fake, url, ['dispatch', String(N_CAPPED), String(CAPPED_RATE)]);
    const ratio = off.fake.rate / raw.fake.rate;
    const capErr = (capped.fake.steadyRate - CAPPED_RATE) / CAPPED_RATE;
    const rows: [string, string][] = [
      [`raw twilio client → fake (${fmt(N)} messages)`, `${fmt(raw.fake.rate)} msg/s`],
      [`dispatcher, cap off (${fmt(N)} recipients)`, `${fmt(off.fake.rate)} msg/s`],
      ['ratio dispatcher / raw client (target ≥ 0.5)', `${ratio.toFixed(2)} ${ratio >= 0.5 ? 'PASS' : 'FAIL'}`],
      [`dispatcher, SEND_RATE_MPS=${CAPPED_RATE} (${fmt(N_CAPPED)} recipients), steady state`, `${capped.fake.steadyRate.toFixed(1)} msg/s (${capErr >= 0 ? '+' : ''}${(capErr * 100).toFixed(2)}%, target ±5% ${Math.abs(capErr) <= 0.05 ? 'PASS' : 'FAIL'})`],
      [`  same, first to last text (incl. the 100 ms start-up burst)`, `${capped.fake.rate.toFixed(1)} msg/s`],
      [`  dispatcher CPU at ${CAPPED_RATE} msg/s`, `${capped.cpuPercent}% of one core`],
      [`audience snapshot, ${fmt(N)} recipients`, `${off.snapshotSeconds!.toFixed(2)} s`],
      [`peak RSS, dispatcher ${fmt(N_SMALL)} / ${fmt(N)} recipients`, `${small.peakRssMb} MB / ${off.peakRssMb} MB`],
      ['peak RSS, raw client', `${raw.peakRssMb} MB`],
      ['every recipient exactly once at the fake', 'yes (checked per phase)'],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(`\n| ${'measure'.padEnd(w)} | result |\n|${'-'.repeat(w + 2)}|--------|`);
    for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
    const outDir = path.join(__dirname, '..', '..', 'bench', 'results');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(
      path.join(outDir, 'broadcast.json'),
      JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, inFlight: IN_FLIGHT, raw, off, small, capped, ratio, capErr }, null, 2),
    );
    if (ratio < 0.5 || Math.abs(capErr) > 0.05) process.exitCode = 1;
  } finally {
    fake.send({ cmd: 'exit' });
  }
}

const [cmd, a, b, c, d, e] = process.argv.slice(2).filter((x) => !x.startsWith('--'));
const rateArg = (x: string | undefined) => (x === 'off' ? null : Number(x));
const run =
  cmd === 'fake' ? runFake()
  : cmd === 'raw' ? runRaw(b!, Number(a))
  : cmd === 'seed' ? runSeed(a!, Number(b), rateArg(c))
  // dispatch <n> <rate> <db file> <broadcast id> <fake url>
  : cmd === 'dispatch' ? runDispatch(c!, d!, e!, Number(a), rateArg(b))
  : main();
run.catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
