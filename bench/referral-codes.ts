/**
 * `npm run bench:codes`: what a referral code in a JOIN costs on the hot path (issue 13), measured
 * in-process so the HTTP layer and the load generator's noise stay out of it.
 *
 * Rounds alternate, each on a fresh SQLite database (temp file, the gateway's own pragmas, group
 * commit and checkpointer): N phones text JOIN through the inbound use case, 100 at a time (so
 * group commit batches them as under load); in the "codes" rounds every other JOIN is `JOIN <code>`
 * (codes not issued yet: the lookup is the cost, as in bench:rally --codes). Process CPU (every
 * thread) per JOIN, median of the rounds; the difference, per coded JOIN, is the code's cost.
 * A first round of each kind warms the process up and is not counted. Every reply is checked. Prints the table; writes bench/results/referral-codes.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { uuid } from '../src/shared/ids';
import { createLogger } from '../src/shared/logger';
import { loadConfig } from '../src/wiring/config';
import { createContext } from '../src/wiring/create-context';
import { codeFor, crowd } from './rally/crowd';

const N = Number(process.env.BENCH_PHONES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCH = 100;
const resultsDir = path.join(__dirname, '..', '..', 'bench', 'results');

async function round(codes: boolean): Promise<{ cpuUsPerJoin: number; wallUsPerJoin: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-bench-codes-'));
  const config = loadConfig({
    ...process.env, DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`, LOG_LEVEL: 'silent', QUIET_HOURS: 'off', SEED_DEMO: 'true', NODE_ENV: 'production',
  });
  const ctx = createContext(config, createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() })), { newId: uuid });
  try {
    const phones = crowd(N, 3);
    const texts = phones.map((p, i) => ({
      messageSid: `SM${uuid().replace(/-/g, '')}`, from: p.from, to: '62262', body: codes && i % 2 === 0 ? `JOIN ${codeFor(i)}` : 'JOIN',
      numMedia: 0, optOutType: null, fromState: null,
    }));
    // Warm-up outside the measure: the registry's first load, the statements' first preparation.
    await ctx.inbound.receive({ ...texts[0]!, messageSid: `SM${uuid().replace(/-/g, '')}`, from: '+13125550000' });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < texts.length; i += BATCH) {
      const answers = await Promise.all(texts.slice(i, i + BATCH).map((t) => ctx.inbound.receive(t)));
      for (const a of answers) if (!a.replies[0]?.includes("What's your first name?")) throw new Error(`unexpected reply: ${JSON.stringify(a.replies)}`);
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { cpuUsPerJoin: (cpu.user + cpu.system) / N, wallUsPerJoin: (wall * 1000) / N };
  } finally {
    await ctx.store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  console.log(`referral codes in-process: ${N.toLocaleString('en-US')} JOINs per round, ${ROUNDS} rounds each, alternating; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const plain: number[] = [];
  const coded: number[] = [];
  const rows: { round: number; kind: string; cpuUsPerJoin: number; wallUsPerJoin: number }[] = [];
  // One round of each, not counted: the process's code is compiled by then for both kinds of JOIN.
  await round(false);
  await round(true);
  for (let r = 1; r <= ROUNDS; r++) {
    for (const codes of [false, true]) {
      const x = await round(codes);
      (codes ? coded : plain).push(x.cpuUsPerJoin);
      rows.push({ round: r, kind: codes ? 'half with a code' : 'plain', ...x });
      console.log(`  round ${r} ${(codes ? 'half with a code' : 'plain').padEnd(16)} CPU ${x.cpuUsPerJoin.toFixed(1)} µs/JOIN, wall ${x.wallUsPerJoin.toFixed(1)} µs/JOIN`);
    }
  }
  const p = median(plain);
  const c = median(coded);
  const spread = (xs: number[]) => (Math.max(...xs) - Math.min(...xs)) / median(xs);
  console.log(`\nmedian CPU per JOIN: plain ${p.toFixed(1)} µs, half with a code ${c.toFixed(1)} µs (${(((c - p) / p) * 100).toFixed(1)} %);`);
  console.log(`per coded JOIN ${(2 * (c - p)).toFixed(1)} µs; the rounds' own spread (max-min over median): plain ${(spread(plain) * 100).toFixed(0)} %, coded ${(spread(coded) * 100).toFixed(0)} %`);
  fs.mkdirSync(resultsDir, { recursive: true });
  const out = { date: new Date().toISOString(), phones: N, rounds: ROUNDS, batch: BATCH, rows, medianCpuUsPerJoin: { plain: p, coded: c }, perCodedJoinUs: 2 * (c - p) };
  fs.writeFileSync(path.join(resultsDir, 'referral-codes.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log('wrote bench/results/referral-codes.json');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
