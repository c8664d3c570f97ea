/**
 * `npm run bench:rally-counts -- --compare=<dir>`: what a webhook costs, by measures that do not
 * move with the machine's load (the box is shared; wall-clock and CPU-time figures are noise there).
 *
 * For this build and another (<dir>: a tree with its dist/ built, e.g. a worktree of an older
 * commit), the real gateway (node dist/main.js, as bench:rally starts it) is driven over loopback
 * with the rally crowd's signed webhooks, 10 connections:
 *   - allocation: node --trace-gc-nvp, a full collection at exit (rally/gc-at-exit.ts); bytes
 *     allocated, promoted, scavenges and mark-compacts summed over the process. Per request by
 *     difference: runs of --phones=A and B phones (startup and warm-up cancel out), burst (JOIN
 *     only) and burst + answers (name, ZIP, pledge, email), --reps each, median;
 *   - instructions (--callgrind): the gateway under valgrind --tool=callgrind (JIT on,
 *     --smc-check=all-non-file), whole runs of --warm and --count phones (JOIN + four answers
 *     each), per webhook by difference. Every thread counts (GC helpers, SQLite, libuv).
 * --after=<dir> names the second build (default this tree); --codes sends every other JOIN with a
 * referral code, --codes=ab only to the second build (one build may be both: what a code costs).
 * Writes bench/results/rally-counts.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { answers, crowd, joins, type Phone, type Signer, type Webhook } from './rally/crowd';
import { freePort, ROOT } from './rally/processes';

const AUTH_TOKEN = 'rally-bench-auth-token-4f1c9a7e2b';
const ACCOUNT_SID = 'AC7b3f9e1d2c4a5b6c7d8e9f0a1b2c3d4e';
const PUBLIC_BASE_URL = 'https://sms.rally.example';
const CONNECTIONS = 10;

function arg(name: string): string | undefined {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (!hit) return undefined;
  return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : 'true';
}

const compareDir = arg('compare');
/** --after=<dir>: the second build of a --compare (default: this tree). */
const afterDir = path.resolve(arg('after') ?? ROOT);
/** --codes: half the JOINs carry a referral code (issue 13); --codes=ab: "before" plain JOINs, "after" with codes. */
const codesArg = arg('codes');
const codesFor = (name: string) => codesArg === 'true' || (codesArg === 'ab' && name === 'after');
const [phonesA, phonesB] = (arg('phones') ?? '500,2000').split(',').map(Number) as [number, number];
const reps = Number(arg('reps') ?? 3);
const callgrind = arg('callgrind') === 'true';
const warmN = Number(arg('warm') ?? 150);
const countN = Number(arg('count') ?? 450);
const gcOnly = arg('no-gc') !== 'true';
/** --keep: the callgrind output files stay in bench/results/callgrind/ (callgrind_annotate --inclusive=no them by object). */
const keep = arg('keep') === 'true';
const extraNodeArgs = (arg('node-args') ?? '').split(' ').filter(Boolean);
const resultsDir = path.join(ROOT, 'bench', 'results');
const PRELOAD = path.join(__dirname, 'rally', 'gc-at-exit.js');

interface Gateway {
  port: number;
  pid: number;
  child: ChildProcess;
  out(): string;
  err(): string;
  stop(): Promise<number | null>;
}

async function startGateway(root: string, dir: string, wrap: string[], nodeArgs: string[]): Promise<Gateway> {
  const port = await freePort();
  const argv = [...wrap, process.execPath, ...nodeArgs, path.join(root, 'dist', 'main.js')];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: os.tmpdir(),
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', LOG_LEVEL: 'warn',
      DATABASE_URL: `sqlite:${path.join(dir, 'rallytext.db')}`, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      PUBLIC_BASE_URL, ADMIN_TOKEN: 'rally-bench-admin-token-0123456789', SEED_DEMO: 'true', QUIET_HOURS: 'off',
      PORT: String(port), HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-50_000); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + (wrap.length ? 600_000 : 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}:\n${err}`);
    if (Date.now() > deadline) throw new Error(`gateway did not answer /healthz:\n${err}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status < 500) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, wrap.length ? 1000 : 50));
  }
  return {
    port, pid: child.pid!, child, out: () => out, err: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function post(port: number, w: Webhook): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1', port, path: '/twilio/sms', method: 'POST', agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': w.signature, 'content-length': Buffer.byteLength(w.body) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { body += c; });
        res.on('end', () => {
          if (res.statusCode !== 200 || !body.includes(w.expect.replace(/&/g, '&amp;'))) reject(new Error(`unexpected reply ${res.statusCode}: ${body.slice(0, 200)} (expected ${w.expect})`));
          else resolve();
        });
      },
    );
    req.on('error', reject);
    req.end(w.body);
  });
}

/** Each phone's webhooks in order; CONNECTIONS phones at a time. */
async function send(port: number, perPhone: Webhook[][]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < perPhone.length) {
      for (const w of perPhone[next++]!) await post(port, w);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
}

interface GcTotals {
  allocatedMb: number;
  promotedMb: number;
  scavenges: number;
  markCompacts: number;
  /** user + system CPU of the whole process, ms (load-dependent: context only). */
  cpuMs: number;
}

function gcTotals(out: string, err: string): GcTotals {
  let allocated = 0;
  let promoted = 0;
  let scavenges = 0;
  let markCompacts = 0;
  for (const line of out.split('\n')) {
    const a = / allocated=(\d+)/.exec(line);
    if (!a) continue;
    allocated += Number(a[1]);
    promoted += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0);
    const kind = / gc=(\w+)/.exec(line)?.[1];
    if (kind === 's') scavenges++;
    else if (kind === 'ms' || kind === 'mc' || kind === 'mmc') markCompacts++;
  }
  const ru = /RESOURCE_USAGE (\{.*\})/.exec(err);
  const usage = ru ? (JSON.parse(ru[1]!) as { userCPUTime: number; systemCPUTime: number }) : null;
  return {
    allocatedMb: allocated / 1048576, promotedMb: promoted / 1048576, scavenges, markCompacts,
    cpuMs: usage ? (usage.userCPUTime + usage.systemCPUTime) / 1000 : Number.NaN,
  };
}

const signer: Signer = { authToken: AUTH_TOKEN, signedUrl: `${PUBLIC_BASE_URL}/twilio/sms`, accountSid: ACCOUNT_SID, to: '62262' };

/** One native run: N phones JOIN, then (if withAnswers) their answers; GC totals of the process. */
async function gcRun(root: string, phones: Phone[], withAnswers: boolean, codes: boolean): Promise<GcTotals> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rally-counts-'));
  try {
    const gw = await startGateway(root, dir, [], ['--trace-gc-nvp', '--expose-gc', '-r', PRELOAD, ...extraNodeArgs]);
    const js = joins(signer, phones, codes);
    await send(gw.port, js.map((w) => [w]));
    if (withAnswers) await send(gw.port, phones.map((p) => answers(signer, p)));
    const code = await gw.stop();
    if (code !== 0) throw new Error(`gateway exited with ${code}: ${gw.err()}`);
    return gcTotals(gw.out(), gw.err());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

type Per = { allocatedKb: number; promotedKb: number; scavengesPer1k: number; markCompactsPer1k: number; cpuMs: number };

function perRequest(a: GcTotals, b: GcTotals, requests: number): Per {
  return {
    allocatedKb: ((b.allocatedMb - a.allocatedMb) * 1024) / requests,
    promotedKb: ((b.promotedMb - a.promotedMb) * 1024) / requests,
    scavengesPer1k: ((b.scavenges - a.scavenges) * 1000) / requests,
    markCompactsPer1k: ((b.markCompacts - a.markCompacts) * 1000) / requests,
    cpuMs: (b.cpuMs - a.cpuMs) / requests,
  };
}

async function gcMeasure(root: string, codes: boolean): Promise<{ burst: Per[]; answers: Per[] }> {
  const burst: Per[] = [];
  const answersPer: Per[] = [];
  for (let r = 0; r < reps; r++) {
    const pa = crowd(phonesA, 1 + r);
    const pb = crowd(phonesB, 1 + r);
    const joinA = await gcRun(root, pa, false, codes);
    const joinB = await gcRun(root, pb, false, codes);
    const allA = await gcRun(root, pa, true, codes);
    const allB = await gcRun(root, pb, true, codes);
    const d = phonesB - phonesA;
    burst.push(perRequest(joinA, joinB, d));
    // answers alone: (all B - all A) - (join B - join A), over 4 answers per phone
    const both = perRequest(allA, allB, d);
    const j = perRequest(joinA, joinB, d);
    answersPer.push({
      allocatedKb: (both.allocatedKb - j.allocatedKb) / 4, promotedKb: (both.promotedKb - j.promotedKb) / 4,
      scavengesPer1k: (both.scavengesPer1k - j.scavengesPer1k) / 4, markCompactsPer1k: (both.markCompactsPer1k - j.markCompactsPer1k) / 4,
      cpuMs: (both.cpuMs - j.cpuMs) / 4,
    });
    console.log(`  ${path.basename(root)} rep ${r + 1}: JOIN ${fmtPer(burst.at(-1)!)} | answer ${fmtPer(answersPer.at(-1)!)}`);
  }
  return { burst, answers: answersPer };
}

function fmtPer(p: Per): string {
  return `${p.allocatedKb.toFixed(1)} KB allocated, ${p.promotedKb.toFixed(2)} KB promoted, ${p.scavengesPer1k.toFixed(2)} scavenges and ${p.markCompactsPer1k.toFixed(2)} mark-compacts per 1k, ${p.cpuMs.toFixed(3)} CPU ms`;
}

function callgrindTotal(file: string): number {
  const text = fs.readFileSync(file, 'utf8');
  const m = /^(?:summary|totals):\s*(\d+)/m.exec(text);
  if (!m) throw new Error(`no totals in ${file}`);
  return Number(m[1]);
}

/** Instructions of a whole gateway run under callgrind: start, N phones JOIN and answer, stop. */
async function callgrindRun(root: string, n: number, codes: boolean): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rally-callgrind-'));
  const out = path.join(dir, 'cg.out');
  try {
    const gw = await startGateway(root, dir, ['valgrind', '--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${out}`, '--dump-line=no'], []);
    const phones = crowd(n, 202, 600_000);
    await send(gw.port, joins(signer, phones, codes).map((w) => [w]));
    await send(gw.port, phones.map((p) => answers(signer, p)));
    const code = await gw.stop();
    if (code !== 0) throw new Error(`gateway under valgrind exited with ${code}: ${gw.err()}`);
    if (keep) {
      const kept = path.join(resultsDir, 'callgrind');
      fs.mkdirSync(kept, { recursive: true });
      fs.copyFileSync(out, path.join(kept, `${path.basename(root)}-${n}${codes ? '-codes' : ''}.out`));
    }
    return callgrindTotal(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Instructions per webhook under callgrind, by difference: runs of --warm and --count phones
 * (each phone a JOIN and four answers), so start-up, the first compilations and shutdown cancel
 * out. The four runs go at once (instruction counts do not depend on the machine's load).
 */
async function callgrindMeasure(roots: [string, string][]): Promise<Record<string, { small: number; large: number; perWebhook: number }>> {
  const runs = await Promise.all(roots.flatMap(([name, root]) => [callgrindRun(root, warmN, codesFor(name)), callgrindRun(root, countN, codesFor(name))]));
  const out: Record<string, { small: number; large: number; perWebhook: number }> = {};
  roots.forEach(([name], i) => {
    const small = runs[2 * i]!;
    const large = runs[2 * i + 1]!;
    const perWebhook = (large - small) / ((countN - warmN) * 5);
    out[name] = { small, large, perWebhook };
    console.log(`  ${name}: ${(small / 1e9).toFixed(3)} G instructions (${warmN} phones), ${(large / 1e9).toFixed(3)} G (${countN}): ${(perWebhook / 1e6).toFixed(3)} M per webhook`);
  });
  return out;
}

function medianPer(ps: Per[]): Per {
  return {
    allocatedKb: median(ps.map((p) => p.allocatedKb)), promotedKb: median(ps.map((p) => p.promotedKb)),
    scavengesPer1k: median(ps.map((p) => p.scavengesPer1k)), markCompactsPer1k: median(ps.map((p) => p.markCompactsPer1k)),
    cpuMs: median(ps.map((p) => p.cpuMs)),
  };
}

async function main(): Promise<void> {
  const roots: [string, string][] = compareDir ? [['before', path.resolve(compareDir)], ['after', afterDir]] : [['this', ROOT]];
  for (const [, root] of roots) if (!fs.existsSync(path.join(root, 'dist', 'main.js'))) throw new Error(`${root}/dist/main.js not found (build it first)`);
  console.log(`rally counts: ${roots.map(([n, r]) => `${n}=${r}`).join(', ')}; node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const result: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, connections: CONNECTIONS, phones: [phonesA, phonesB], reps, nodeArgs: extraNodeArgs, codes: codesArg ?? false };
  for (const [name, root] of roots) {
    const entry: Record<string, unknown> = { root };
    if (gcOnly) {
      const g = await gcMeasure(root, codesFor(name));
      entry.gc = { runs: g, burst: medianPer(g.burst), answers: medianPer(g.answers) };
      console.log(`${name} (median of ${reps}): JOIN ${fmtPer(medianPer(g.burst))}\n${' '.repeat(name.length)}               answer ${fmtPer(medianPer(g.answers))}`);
    }
    result[name] = entry;
  }
  if (callgrind) result.callgrind = { phones: [warmN, countN], webhooksPerPhone: 5, ...(await callgrindMeasure(roots)) };
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, callgrind ? 'rally-counts-callgrind.json' : 'rally-counts.json');
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, file)}`);
  agent.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
