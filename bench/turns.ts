/**
 * `npm run bench:turns [-- --compare=<dir>] [--rounds=N]`: CPU per webhook of each turn of the
 * rally conversation (JOIN, name, ZIP, pledge, email), in-process, without HTTP or signatures.
 * This shows which turn costs what, where bench:rally only gives an average over the
 * conversation.
 *
 * Each round is its own child process (a fresh V8) on a fresh SQLite file. It uses the build's
 * own context, group commit and checkpointer thread: without that thread, the 10,000-page backstop
 * checkpoints inside COMMIT and the figures stop being comparable. N phones (BENCH_PHONES, default
 * 20,000) each answer every turn through the build's `answerInboundSms`, in a fresh random order,
 * 100 at a time, as a crowd's texts interleave. The figure is process CPU (every thread) per
 * webhook of the turn.
 *
 * --compare=<dir> adds another build (a worktree with its dist/ built). It runs either layout: the
 * current one, or the one before the architecture step (e6f7a97: src/runtime.ts). The builds
 * alternate, and the one that goes first swaps every round. Medians are printed and written to
 * bench/results/turns.json.
 *
 * --paired (with --compare) loads both builds into one process instead and alternates them batch by
 * batch, so the machine's drift between processes cancels (bench/results/turns-paired.json). With
 * `--compare=.` the same build runs on both sides: the control, whose ratio should be 1.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { crowd, prng, shuffledIndexes, type Phone } from './rally/crowd';
import { loadBuild, type LoadedBuild } from './rally/in-process';

const ROOT = path.resolve(__dirname, '..', '..');
const resultsDir = path.join(ROOT, 'bench', 'results');
const TURNS: [string, (p: Phone) => string][] = [
  ['JOIN', () => 'JOIN'], ['name', (p) => p.name], ['ZIP', (p) => p.zip], ['pledge', (p) => p.pledgeText], ['email', (p) => p.email],
];

function arg(name: string): string | undefined {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  return hit?.includes('=') ? hit.slice(hit.indexOf('=') + 1) : hit ? 'true' : undefined;
}

/** One round in this process (the child): CPU µs per webhook of each turn, printed as JSON. */
async function child(root: string, n: number, seed: number): Promise<void> {
  const build = await loadBuild(root);
  const phones = crowd(n, 3);
  const rnd = prng(seed);
  const out: Record<string, number> = {};
  for (const [turn, body] of TURNS) {
    const order = shuffledIndexes(phones.length, rnd);
    const texts = order.map((i) => build.params(phones[i]!.from, body(phones[i]!)));
    const c0 = process.cpuUsage();
    for (let i = 0; i < texts.length; i += 100) {
      const twiml: string[] = await Promise.all(texts.slice(i, i + 100).map((p) => build.answer(p)));
      if (twiml.some((t) => !t.includes('<Message>'))) throw new Error(`${turn}: a text got no reply`);
    }
    const c = process.cpuUsage(c0);
    out[turn] = (c.user + c.system) / n;
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
  build.remove();
  process.exit(0);
}

/**
 * --paired, one round (the child): both builds loaded in this one process, each turn's texts in
 * batches of 100, the builds taking turns batch by batch (A then B, then B then A). The figure is
 * the wall time of a build's batches per webhook: in-process, with nothing else on the event loop,
 * that is the event loop's time for the webhook. Drift on the machine (another tenant, the CPU's
 * clock) falls on both builds alike within milliseconds; with the same build on both sides the
 * ratio came out 0.99-1.02 per turn (docs/performance.md, session 23).
 */
async function pairedChild(roots: string[], n: number, seed: number): Promise<void> {
  const builds: LoadedBuild[] = [];
  for (const root of roots) builds.push(await loadBuild(root));
  const phones = crowd(n, 3);
  const rnd = prng(seed);
  const out: Record<string, number>[] = builds.map(() => ({}));
  for (const [turn, body] of TURNS) {
    const order = shuffledIndexes(phones.length, rnd);
    const texts = builds.map((b) => order.map((i) => b.params(phones[i]!.from, body(phones[i]!))));
    const ns = builds.map(() => 0);
    for (let i = 0, k = 0; i < order.length; i += 100, k++) {
      for (const j of k % 2 === 0 ? [0, 1] : [1, 0]) {
        const t0 = process.hrtime.bigint();
        const twiml: string[] = await Promise.all(texts[j]!.slice(i, i + 100).map((p) => builds[j]!.answer(p)));
        ns[j] = ns[j]! + Number(process.hrtime.bigint() - t0);
        if (twiml.some((t) => !t.includes('<Message>'))) throw new Error(`${turn}: a text got no reply`);
      }
    }
    builds.forEach((_, j) => {
      out[j]![turn] = ns[j]! / 1000 / n;
    });
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
  for (const b of builds) b.remove();
  process.exit(0);
}

/** --paired: a fresh process per round, the build that goes first swapping every round. */
async function paired(builds: string[], n: number, rounds: number): Promise<void> {
  // By position (the other build, then this one): with --compare=. both are this tree.
  const names = ['other', 'this build'];
  const results: Record<string, number>[][] = [[], []];
  console.log(`µs of the event loop per webhook of each turn, both builds in one process, batches of 100 alternating, ${n.toLocaleString('en-US')} phones, ${rounds} rounds`);
  console.log(`  other: ${builds[0]}; this build: ${builds[1]}`);
  for (let r = 1; r <= rounds; r++) {
    const order = r % 2 === 1 ? [0, 1] : [1, 0];
    const line = execFileSync(process.execPath, [__filename], {
      env: { ...process.env, BENCH_TURNS_PAIRED: JSON.stringify(order.map((i) => builds[i])), BENCH_TURNS_SEED: String(10 + r) },
      encoding: 'utf8', maxBuffer: 1 << 20,
    });
    const per = JSON.parse(line.trim().split('\n').pop()!) as Record<string, number>[];
    order.forEach((i, j) => {
      results[i]!.push(per[j]!);
      console.log(`  round ${r} ${names[i]}: ${TURNS.map(([t]) => `${t} ${per[j]![t]!.toFixed(0)}`).join(', ')}`);
    });
  }
  const medians = results.map((rs) => Object.fromEntries(TURNS.map(([t]) => [t, median(rs.map((x) => x[t]!))])));
  console.log('\nmedians (µs per webhook), and this build over the other:');
  medians.forEach((m, i) => console.log(`  ${names[i]!.padEnd(11)} ${TURNS.map(([t]) => `${t} ${m[t]!.toFixed(0)}`).join(', ')}`));
  console.log(`  ${'ratio'.padEnd(11)} ${TURNS.map(([t]) => `${t} ${(medians[1]![t]! / medians[0]![t]!).toFixed(2)}`).join(', ')}`);
  fs.mkdirSync(resultsDir, { recursive: true });
  const out = { date: new Date().toISOString(), phones: n, rounds, other: builds[0], thisBuild: builds[1], results, medians };
  fs.writeFileSync(path.join(resultsDir, 'turns-paired.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log('wrote bench/results/turns-paired.json');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const n = Number(process.env.BENCH_PHONES ?? 20_000);
  if (process.env.BENCH_TURNS_CHILD) return child(process.env.BENCH_TURNS_CHILD, n, Number(process.env.BENCH_TURNS_SEED));
  if (process.env.BENCH_TURNS_PAIRED) return pairedChild(JSON.parse(process.env.BENCH_TURNS_PAIRED) as string[], n, Number(process.env.BENCH_TURNS_SEED));
  const other = arg('compare');
  const builds = other ? [path.resolve(other), ROOT] : [ROOT];
  for (const b of builds) if (!fs.existsSync(path.join(b, 'dist', 'twilio', 'webhook.js'))) throw new Error(`${b}/dist not built`);
  const rounds = Number(arg('rounds') ?? 3);
  if (arg('paired')) {
    if (!other) throw new Error('--paired needs --compare=<dir> (another build; the same tree again is the control)');
    return paired(builds, n, rounds);
  }
  const results: Record<string, Record<string, number>[]> = {};
  console.log(`CPU µs per webhook of each turn, in-process, ${n.toLocaleString('en-US')} phones, ${rounds} rounds${other ? ', builds alternating' : ''}`);
  for (let r = 1; r <= rounds; r++) {
    for (const b of r % 2 === 1 ? builds : [...builds].reverse()) {
      const line = execFileSync(process.execPath, [__filename], {
        env: { ...process.env, BENCH_TURNS_CHILD: b, BENCH_TURNS_SEED: String(10 + r) }, encoding: 'utf8', maxBuffer: 1 << 20,
      });
      const turns = JSON.parse(line.trim().split('\n').pop()!) as Record<string, number>;
      (results[b] ??= []).push(turns);
      console.log(`  round ${r} ${b === ROOT ? 'this build' : b}: ${TURNS.map(([t]) => `${t} ${turns[t]!.toFixed(0)}`).join(', ')}`);
    }
  }
  const medians = Object.fromEntries(builds.map((b) => [b, Object.fromEntries(TURNS.map(([t]) => [t, median(results[b]!.map((x) => x[t]!))]))]));
  console.log('\nmedians (µs CPU per webhook):');
  for (const b of builds) console.log(`  ${(b === ROOT ? 'this build' : b).padEnd(24)} ${TURNS.map(([t]) => `${t} ${medians[b]![t]!.toFixed(0)}`).join(', ')}`);
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'turns.json'), `${JSON.stringify({ date: new Date().toISOString(), phones: n, rounds, results, medians }, null, 2)}\n`);
  console.log('wrote bench/results/turns.json');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
