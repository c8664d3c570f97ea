/**
 * `npm run bench:rally`: rally night at scale.
 *
 * Starts the real gateway (node dist/main.js, production mode, SQLite file in a temp dir, real
 * auth token so every signature is checked) and the baselines as child processes, and drives
 * them over loopback with autocannon and pre-signed webhooks:
 *   1. burst: 20,000 distinct phones text JOIN (100 connections; 50 and 200 on fresh databases);
 *   2. conversations: the same phones answer name, ZIP, pledge and email (80,000 more webhooks,
 *      100,000 in all), each phone in order, phones interleaved;
 *   3. baselines on the same requests: bare express answering a fixed TwiML string (the ratio's
 *      denominator), the same with express.urlencoded parsing the body first, plain node:http
 *      (what express itself costs), and the issue's calibration prototype (express + signature +
 *      one 7-statement transaction per webhook + TwiML) to check its "about 0.6" claim here.
 * Prints the table, the gateway/baseline ratios and the targets, writes bench/results/rally.json,
 * then opens each gateway's database and checks it holds exactly what the crowd sent.
 *
 * Options: --phones=N (default 20000), --connections=50,100,200, --profile (node --cpu-prof on
 * the main gateway run; summary printed, .cpuprofile kept in bench/results/profiles),
 * --skip-baseline (iterate on the gateway alone), --compare=<dir> (a before/after comparison in
 * one run: <dir> holds another build of rallytext, e.g. a worktree of an older commit with its
 * dist/ built; both gateways run the main burst and conversations alternately, --rounds=N times
 * each (default 4; which runs first swaps every round, since the second of a pair measures
 * dearer), fresh databases each time, so load on the machine falls on both alike),
 * --engine postgres [--gateways 2] (the main burst and conversations on SQLite, one gateway, and
 * on PostgreSQL with N gateway processes on one fresh schema, connections split between them as a
 * load balancer would, in one table; the PostgreSQL server is BENCH_DATABASE_URL, else
 * TEST_DATABASE_URL, else 127.0.0.1:5432/test; --gateways=1,2 runs both; also counts the
 * statements (round trips) each webhook of a conversation makes; writes rally-postgres.json),
 * --codes (half the JOINs carry a referral code, issue 13; the completions issue codes anyway),
 * --after=<dir> (with --compare: the "after" build, default this tree), --codes=ab (with --compare:
 * "before" sends plain JOINs and "after" half of them with a code; --after may be the same build).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { answers, crowd, joins, perConnection, type Phone, type Signer, type Webhook } from './rally/crowd';
import { drive, driveMany, type PhaseResult } from './rally/load';
import { cpuBudget, cpuSnapshot, localPostmasterPid, type CpuBudget } from './rally/cpu-budget';
import { countRoundTrips, dropSchema, freshSchema, type RoundTrips } from './rally/postgres';
import { ROOT, startServer, type Server } from './rally/processes';
import { formatProfile, summarizeProfile, type ProfileSummary } from './rally/profile-summary';
import { verifyDatabase, verifyPostgres, type Verification } from './rally/verify';
import { openPoll, pollTotal, ScreenWatch, screenDelay, votes, type ScreenDelay } from './rally/poll';

const AUTH_TOKEN = 'rally-bench-auth-token-4f1c9a7e2b';
const ACCOUNT_SID = 'AC7b3f9e1d2c4a5b6c7d8e9f0a1b2c3d4e';
const PUBLIC_BASE_URL = 'https://sms.rally.example';
const ADMIN_TOKEN = 'rally-bench-admin-token-0123456789';
const MAIN_CONNECTIONS = 100;
/** The first is the issue's baseline, the denominator of the target ratio; the others are context. */
const BASELINES = [
  { name: 'bare express', script: 'bare-server.js', env: { BARE_PARSE_BODY: 'false' } },
  { name: 'express+form', script: 'bare-server.js', env: { BARE_PARSE_BODY: 'true' } },
  { name: 'node:http', script: 'bare-node-server.js', env: {} },
  { name: 'issue prototype', script: 'prototype-server.js', env: { TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_BASE_URL } },
];
const BARE = BASELINES[0]!.name;

/** `--name=value`, `--name value`, or a bare `--name` (true). */
function arg(name: string): string | undefined {
  const at = process.argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  const hit = process.argv[at]!;
  if (hit.includes('=')) return hit.slice(hit.indexOf('=') + 1);
  const next = process.argv[at + 1];
  return next !== undefined && !next.startsWith('--') ? next : 'true';
}

const phonesN = Number(arg('phones') ?? 20_000);
const connectionCounts = (arg('connections') ?? '50,100,200').split(',').map(Number);
if (!connectionCounts.includes(MAIN_CONNECTIONS)) connectionCounts.push(MAIN_CONNECTIONS);
connectionCounts.sort((a, b) => a - b);
const profile = arg('profile') === 'true';
/** For iterating on the gateway alone: no baseline, no ratios. */
const skipBaseline = arg('skip-baseline') === 'true';
/** The live poll (issue 15): after the JOIN burst every phone votes, with a live screen listening. */
const withPoll = arg('poll') === 'true';
/** Issue 13: half the JOINs carry a referral code (`JOIN K7QX3`): what the code lookup costs. */
const withCodes = arg('codes') === 'true';
/** --codes=ab with --compare: "before" sends plain JOINs, "after" half of them with a code (one build may be both). */
const codesAb = arg('codes') === 'ab';
const resultsDir = path.join(ROOT, 'bench', 'results');

async function startGateway(dir: string, cpuProfName?: string, root = ROOT, name = 'gateway', databaseUrl?: string): Promise<Server> {
  const nodeArgs = cpuProfName
    ? ['--cpu-prof', `--cpu-prof-dir=${path.join(resultsDir, 'profiles')}`, `--cpu-prof-name=${cpuProfName}`]
    : [];
  return startServer(
    name,
    path.join(root, 'dist', 'main.js'),
    {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl ?? `sqlite:${path.join(dir, 'rallytext.db')}`,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      PUBLIC_BASE_URL,
      ADMIN_TOKEN,
      SEED_DEMO: 'true',
      QUIET_HOURS: 'off',
    },
    { nodeArgs, readyPath: '/healthz' },
  );
}

async function stopChecked(server: Server): Promise<void> {
  const code = await server.stop();
  if (code !== 0) throw new Error(`${server.name} exited with ${code} on SIGTERM:\n${server.stderr()}`);
  const warnings = server.stderr().trim();
  if (warnings) console.log(`  (${server.name} stderr: ${warnings.slice(0, 500)})`);
}

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
}

function table(results: PhaseResult[]): string {
  const head = ['phase', 'server', 'conns', 'requests', 'time s', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'peak RSS MB', 'CPU ms/req', 'main thread'];
  const rows = results.map((r) => [
    r.phase, r.server, String(r.connections), fmt(r.requests), fmt(r.durationS, 2), fmt(r.reqPerSec), fmt(r.p50Ms), fmt(r.p99Ms),
    fmt(r.maxMs), fmt(r.errors), fmt(r.peakRssMb), fmt(r.serverCpuMsPerReq, 3), fmt(r.mainThreadCpuMsPerReq, 3),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

const compareDir = arg('compare');
/** --after=<dir>: the "after" build of a --compare (default: this tree), e.g. to measure one past step between two older commits. */
const afterDir = path.resolve(arg('after') ?? ROOT);
/** Even, so each build runs first as often as second (the order swaps every round). */
const rounds = Number(arg('rounds') ?? 4);

const engine = arg('engine') ?? 'sqlite';

async function main(): Promise<void> {
  if (compareDir !== undefined) return compare(path.resolve(compareDir), afterDir);
  if (engine === 'postgres') return engines();
  if (engine !== 'sqlite') throw new Error(`--engine ${engine}: sqlite or postgres`);
  fs.mkdirSync(resultsDir, { recursive: true });
  const signer: Signer = { authToken: AUTH_TOKEN, signedUrl: `${PUBLIC_BASE_URL}/twilio/sms`, accountSid: ACCOUNT_SID, to: '62262' };

  // Everything is built and signed before any timed run, so signing is never measured.
  const t0 = Date.now();
  const phones: Phone[] = crowd(phonesN);
  const joinHooks = joins(signer, phones, withCodes);
  const answerHooks = phones.map((p) => answers(signer, p));
  const burstLists = new Map<number, Webhook[][]>(
    connectionCounts.map((c) => [c, perConnection(phones, c, (_p, i) => [joinHooks[i]!])]),
  );
  const conversationLists = perConnection(phones, MAIN_CONNECTIONS, (_p, i) => answerHooks[i]!);
  const voteHooks = withPoll ? votes(signer, phones) : [];
  const voteLists = withPoll ? perConnection(phones, MAIN_CONNECTIONS, (_p, i) => [voteHooks[i]!]) : [];
  const voteLabel = `poll: ${fmt(phonesN)} votes`;
  let screen: ScreenDelay | null = null;
  let pollCounted: number | null = null;
  const burstLabel = `burst: ${fmt(phonesN)} JOIN`;
  const convLabel = `conversations: ${fmt(phonesN * 4)} answers`;
  console.log(`rally bench: ${fmt(phonesN)} phones, ${fmt(phonesN * 5)} webhooks signed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GB, node ${process.version}; load generator on the same box\n`);

  const results: PhaseResult[] = [];
  const verifications: Record<string, Verification> = {};
  const report = (r: PhaseResult) => {
    results.push(r);
    console.log(`  ${r.server.padEnd(8)} ${r.phase} @${r.connections}: ${fmt(r.reqPerSec)} req/s in ${fmt(r.durationS, 2)} s, p99 ${fmt(r.p99Ms)} ms, errors ${r.errors}`);
  };

  // Baselines first, on the same requests and on the same terms as the gateway: a fresh (cold)
  // process for each burst, the conversations right after the 100-connection burst.
  if (!skipBaseline) {
    for (const b of BASELINES) {
      for (const c of connectionCounts) {
        const server = await startServer(b.name, path.join(ROOT, 'build', 'bench', 'rally', b.script), b.env, { readyPath: '/healthz' });
        report(await drive(server, burstLabel, burstLists.get(c)!, { checkReplies: false }));
        if (c === MAIN_CONNECTIONS) report(await drive(server, convLabel, conversationLists, { checkReplies: false }));
        await stopChecked(server);
      }
    }
  }

  // The gateway at the other connection counts: a fresh database each, the burst only.
  for (const c of connectionCounts.filter((n) => n !== MAIN_CONNECTIONS)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rally-bench-${c}-`));
    const gw = await startGateway(dir);
    report(await drive(gw, burstLabel, burstLists.get(c)!, { checkReplies: true }));
    await stopChecked(gw);
    verifications[`burst@${c}`] = verifyDatabase(path.join(dir, 'rallytext.db'), phones, 'joined');
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // The main run: burst then full conversations on one database, then verify it all.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rally-bench-main-'));
  const profName = profile ? `gateway-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile` : undefined;
  const gw = await startGateway(dir, profName);
  report(await drive(gw, burstLabel, burstLists.get(MAIN_CONNECTIONS)!, { checkReplies: true }));
  const joined = verifyDatabase(path.join(dir, 'rallytext.db'), phones, 'joined'); // read-only, while it runs: WAL readers are fine
  verifications[`burst@${MAIN_CONNECTIONS}`] = joined;
  if (withPoll) {
    const { pollId, displayToken } = await openPoll(gw.port, ADMIN_TOKEN, path.join(dir, 'rallytext.db'));
    const watch = new ScreenWatch();
    await watch.open(gw.port, displayToken);
    const v = await drive(gw, voteLabel, voteLists, { checkReplies: true });
    report(v);
    const finalAt = await watch.waitForTotal(phonesN);
    watch.close();
    screen = screenDelay(watch.updates, v.startedAt!, v.lastResponseAt!, finalAt);
    pollCounted = await pollTotal(gw.port, ADMIN_TOKEN, pollId);
    console.log(`  screen    ${screen.updates} poll updates during the votes, gap median ${fmt(screen.medianGapMs)} ms, max ${fmt(screen.maxGapMs)} ms; final total shown ${screen.finalDelayMs === null ? 'NEVER' : `${fmt(screen.finalDelayMs)} ms`} after the last vote was answered; poll total ${fmt(pollCounted)}`);
  }
  report(await drive(gw, convLabel, conversationLists, { checkReplies: true }));
  await stopChecked(gw);
  verifications['conversations'] = verifyDatabase(path.join(dir, 'rallytext.db'), phones, 'completed', withPoll ? 1 : 0);
  fs.rmSync(dir, { recursive: true, force: true });

  let profileSummary: ProfileSummary | undefined;
  if (profName) profileSummary = summarizeProfile(path.join(resultsDir, 'profiles', profName));

  // Report.
  const find = (server: string, phase: string, c: number) => results.find((r) => r.server === server && r.phase === phase && r.connections === c);
  const ratios = results
    .filter((r) => r.server === 'gateway')
    .flatMap((g) =>
      BASELINES.map((b) => find(b.name, g.phase, g.connections))
        .filter((b): b is PhaseResult => b !== undefined)
        .map((b) => ({ phase: g.phase, connections: g.connections, baseline: b.server, ratio: g.reqPerSec / b.reqPerSec })),
    );
  const mainBurst = find('gateway', burstLabel, MAIN_CONNECTIONS)!;
  const mainConv = find('gateway', convLabel, MAIN_CONNECTIONS)!;
  const targets = [
    { target: `${fmt(phonesN)} JOINs absorbed in < 10 s (100 conns)`, value: `${fmt(mainBurst.durationS, 2)} s`, met: mainBurst.durationS < 10 },
    { target: 'p99 < 100 ms at 100 connections (burst)', value: `${fmt(mainBurst.p99Ms)} ms`, met: mainBurst.p99Ms < 100 },
    { target: 'p99 < 100 ms at 100 connections (conversations)', value: `${fmt(mainConv.p99Ms)} ms`, met: mainConv.p99Ms < 100 },
    ...ratios
      .filter((r) => r.connections === MAIN_CONNECTIONS && r.baseline === BARE)
      .map((r) => ({ target: `gateway / ${BARE} >= 0.6 (${r.phase.split(':')[0]}, 100 conns)`, value: r.ratio.toFixed(2), met: r.ratio >= 0.6 })),
  ];
  const errors = results.filter((r) => r.server === 'gateway').reduce((n, r) => n + r.errors, 0);
  const dbOk = Object.values(verifications).every((v) => v.ok);

  console.log(`\n${table(results)}\n`);
  console.log('gateway req/s as a share of each baseline\'s:');
  for (const r of ratios) console.log(`  ${r.phase.padEnd(30)} @${String(r.connections).padEnd(4)} / ${r.baseline.padEnd(13)} ${r.ratio.toFixed(2)}`);
  console.log('\ntargets:');
  for (const t of targets) console.log(`  ${t.met ? 'MET   ' : 'MISSED'} ${t.target}: ${t.value}`);
  if (screen) {
    console.log(`\nlive screen during the poll: ${screen.updates} updates, gap median ${fmt(screen.medianGapMs)} ms, max ${fmt(screen.maxGapMs)} ms, final total ${screen.finalDelayMs === null ? 'never shown' : `shown ${fmt(screen.finalDelayMs)} ms after the last vote was answered`}; votes counted ${fmt(pollCounted ?? 0)} of ${fmt(phonesN)}`);
  }
  console.log('\ndatabase checks:');
  for (const [k, v] of Object.entries(verifications)) {
    console.log(`  ${v.ok ? 'OK  ' : 'FAIL'} ${k}: ${Object.entries(v.counts).map(([a, b]) => `${a}=${b}`).join(' ')}`);
    for (const p of v.problems) console.log(`       ${p}`);
  }
  if (profileSummary) console.log(`\n${formatProfile(profileSummary)}`);

  const out = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length, model: os.cpus()[0]?.model, totalMemGb: os.totalmem() / 2 ** 30, node: process.version,
      platform: `${os.platform()} ${os.release()}`, loadGenerator: 'autocannon in the same process as this script, same machine',
    },
    phones: phonesN,
    results, ratios, targets, verifications, ...(screen ? { pollScreen: screen, pollCounted } : {}),
    profile: profileSummary,
  };
  fs.writeFileSync(path.join(resultsDir, 'rally.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, path.join(resultsDir, 'rally.json'))}`);
  if (errors > 0 || !dbOk) {
    console.error(`FAILED: ${errors} gateway errors, database ${dbOk ? 'ok' : 'NOT as expected'}`);
    process.exit(1);
  }
}

/** Median of some numbers (the middle one, or the mean of the middle two). */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Before/after in one run: the other build ("before") and this one ("after") alternate, each on a
 * fresh database, burst at 100 connections then the conversations, verified each time.
 */
/**
 * The main run's requests, signed before anything is timed: the crowd's JOINs (every other one
 * with a code under --codes) spread over MAIN_CONNECTIONS, then each phone's four answers in order.
 */
function mainRun(codes = withCodes) {
  const signer: Signer = { authToken: AUTH_TOKEN, signedUrl: `${PUBLIC_BASE_URL}/twilio/sms`, accountSid: ACCOUNT_SID, to: '62262' };
  const phones: Phone[] = crowd(phonesN);
  const joinHooks = joins(signer, phones, codes);
  return {
    phones,
    burst: perConnection(phones, MAIN_CONNECTIONS, (_p, i) => [joinHooks[i]!]),
    conversation: perConnection(phones, MAIN_CONNECTIONS, (p) => answers(signer, p)),
    burstLabel: `burst: ${fmt(phonesN)} JOIN`,
    convLabel: `conversations: ${fmt(phonesN * 4)} answers`,
  };
}

async function compare(otherRoot: string, afterRoot: string): Promise<void> {
  for (const [opt, root] of [['--compare', otherRoot], ['--after', afterRoot]] as const) {
    if (!fs.existsSync(path.join(root, 'dist', 'main.js'))) throw new Error(`${opt}: ${root}/dist/main.js not found (build that tree first)`);
  }
  fs.mkdirSync(resultsDir, { recursive: true });
  const { phones, burst, conversation, burstLabel, convLabel } = mainRun();
  const burstOf = { before: codesAb ? mainRun(false).burst : burst, after: codesAb ? mainRun(true).burst : burst };
  const codesSaid = codesAb ? ', "before" plain JOINs, "after" half of them with a code' : withCodes ? ', half the JOINs with a code' : '';
  console.log(`rally bench, before/after: ${otherRoot} (before) vs ${afterRoot} (after), ${rounds} rounds each, alternating, the first to run swapping every round${codesSaid}`);
  if (rounds % 2 === 1) console.log('  (an odd number of rounds: "before" runs first once more than "after"; an even --rounds balances the order)');
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at start\n`);
  const results: PhaseResult[] = [];
  const problems: string[] = [];
  for (let r = 1; r <= rounds; r++) {
    // Who goes first swaps every round (before-after, after-before, …): the second gateway of a
    // pair measured +8 % CPU per answer when both were the same build (docs/performance.md).
    const pair = [['before', otherRoot], ['after', afterRoot]] as const;
    for (const [name, root] of r % 2 === 1 ? pair : [pair[1], pair[0]]) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rally-compare-${name}-`));
      const prof = profile ? `compare-${name}-${r}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile` : undefined;
      const gw = await startGateway(dir, prof, root, name);
      for (const [label, lists] of [[burstLabel, burstOf[name]], [convLabel, conversation]] as const) {
        const res = await drive(gw, label, lists, { checkReplies: true });
        results.push(res);
        console.log(`  round ${r} ${name.padEnd(6)} ${label} @${MAIN_CONNECTIONS}: ${fmt(res.reqPerSec)} req/s, p99 ${fmt(res.p99Ms)} ms, CPU ${fmt(res.serverCpuMsPerReq, 3)} ms/req, errors ${res.errors}`);
      }
      await stopChecked(gw);
      const v = verifyDatabase(path.join(dir, 'rallytext.db'), phones, 'completed');
      if (!v.ok) problems.push(`${name} round ${r}: ${v.problems.join('; ')}`);
      if (prof) console.log(`\n${name}, round ${r}:\n${formatProfile(summarizeProfile(path.join(resultsDir, 'profiles', prof)))}\n`);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\n${table(results)}\n`);
  const summary = (['before', 'after'] as const).flatMap((name) =>
    [burstLabel, convLabel].map((phase) => {
      const rs = results.filter((x) => x.server === name && x.phase === phase);
      return {
        server: name, phase,
        reqPerSec: median(rs.map((x) => x.reqPerSec)), p99Ms: median(rs.map((x) => x.p99Ms)),
        cpuMsPerReq: median(rs.map((x) => x.serverCpuMsPerReq)), mainThreadCpuMsPerReq: median(rs.map((x) => x.mainThreadCpuMsPerReq)),
      };
    }),
  );
  console.log('medians over the rounds:');
  for (const x of summary) {
    console.log(`  ${x.server.padEnd(6)} ${x.phase.padEnd(30)} ${fmt(x.reqPerSec)} req/s, p99 ${fmt(x.p99Ms)} ms, CPU ${fmt(x.cpuMsPerReq, 3)} ms/req (main thread ${fmt(x.mainThreadCpuMsPerReq, 3)})`);
  }
  const out = { date: new Date().toISOString(), before: otherRoot, after: afterRoot, codes: codesAb ? 'ab' : withCodes, rounds, loadAverageAtStart: os.loadavg(), results, summary, problems };
  fs.writeFileSync(path.join(resultsDir, 'rally-compare.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, path.join(resultsDir, 'rally-compare.json'))}`);
  const errors = results.reduce((n, x) => n + x.errors, 0);
  if (errors > 0 || problems.length) {
    console.error(`FAILED: ${errors} errors; ${problems.join(' | ') || 'databases ok'}`);
    process.exit(1);
  }
}

/**
 * SQLite (one gateway) and PostgreSQL (N gateway processes on one schema) in one run and one
 * table: the main burst at 100 connections, then the conversations, each database verified.
 */
async function engines(): Promise<void> {
  fs.mkdirSync(resultsDir, { recursive: true });
  const gatewayCounts = (arg('gateways') ?? '2').split(',').map(Number);
  const pgUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || `postgres://${process.env.PGUSER ?? 'postgres'}@127.0.0.1:5432/test`;
  const { phones, burst, conversation, burstLabel, convLabel } = mainRun();
  console.log(`rally bench, engines: SQLite (1 gateway) and PostgreSQL (${gatewayCounts.join(', ')} gateways) at ${pgUrl.replace(/:[^:@/]*@/, ':***@')}`);
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at start; the database server and the load generator share it\n`);
  const results: PhaseResult[] = [];
  const verifications: Record<string, Verification> = {};
  const report = (r: PhaseResult) => {
    results.push(r);
    console.log(`  ${r.server.padEnd(14)} ${r.phase} @${r.connections}: ${fmt(r.reqPerSec)} req/s in ${fmt(r.durationS, 2)} s, p99 ${fmt(r.p99Ms)} ms, CPU ${fmt(r.serverCpuMsPerReq, 3)} ms/req, errors ${r.errors}`);
  };

  // SQLite, one gateway: the reference in the same run.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rally-bench-engines-'));
  const lite = await startGateway(dir, undefined, ROOT, 'sqlite');
  report(await drive(lite, burstLabel, burst, { checkReplies: true }));
  verifications['sqlite burst'] = verifyDatabase(path.join(dir, 'rallytext.db'), phones, 'joined');
  report(await drive(lite, convLabel, conversation, { checkReplies: true }));
  await stopChecked(lite);
  verifications['sqlite conversations'] = verifyDatabase(path.join(dir, 'rallytext.db'), phones, 'completed');
  fs.rmSync(dir, { recursive: true, force: true });

  // PostgreSQL: N gateway processes on one fresh schema; the first migrates and seeds.
  const postmaster = await localPostmasterPid(pgUrl);
  const budgets: ({ server: string; phase: string; gatewayMsPerReq: number } & CpuBudget)[] = [];
  const profName = (what: string) => (profile ? `gateway-${what}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile` : undefined);
  for (const n of gatewayCounts) {
    const { schema, url } = await freshSchema(pgUrl, `rally_bench_${n}`);
    const name = `postgres x${n}`;
    const gws: Server[] = [];
    try {
      for (let i = 0; i < n; i++) gws.push(await startGateway('', i === 0 ? profName(`postgres-x${n}`) : undefined, ROOT, `${name}#${i + 1}`, url));
      const measured = async (label: string, lists: Webhook[][]) => {
        const before = cpuSnapshot(postmaster);
        const r = await driveMany(gws, name, label, lists, { checkReplies: true });
        report(r);
        budgets.push({ server: name, phase: label, gatewayMsPerReq: r.serverCpuMsPerReq, ...cpuBudget(before, cpuSnapshot(postmaster), r.requests) });
      };
      await measured(burstLabel, burst);
      verifications[`${name} burst`] = await verifyPostgres(url, phones, 'joined');
      await measured(convLabel, conversation);
      for (const gw of gws.splice(0)) await stopChecked(gw);
      verifications[`${name} conversations`] = await verifyPostgres(url, phones, 'completed');
    } finally {
      for (const gw of gws) await gw.stop();
      await dropSchema(pgUrl, schema);
    }
  }

  // Statements (each a network round trip) per webhook of one conversation, counted in-process.
  const trips: RoundTrips = await countRoundTrips(pgUrl, { AUTH_TOKEN, ACCOUNT_SID, PUBLIC_BASE_URL, ADMIN_TOKEN });

  const find = (server: string, phase: string) => results.find((r) => r.server === server && r.phase === phase);
  const targets = gatewayCounts.flatMap((n) => {
    const b = find(`postgres x${n}`, burstLabel)!;
    const c = find(`postgres x${n}`, convLabel)!;
    return [
      { target: `postgres x${n}: ${fmt(phonesN)} JOINs absorbed in < 10 s (100 conns)`, value: `${fmt(b.durationS, 2)} s`, met: b.durationS < 10 },
      { target: `postgres x${n}: p99 < 250 ms at 100 connections (burst)`, value: `${fmt(b.p99Ms)} ms`, met: b.p99Ms < 250 },
      { target: `postgres x${n}: p99 < 250 ms at 100 connections (conversations)`, value: `${fmt(c.p99Ms)} ms`, met: c.p99Ms < 250 },
    ];
  });
  const errors = results.reduce((n, r) => n + r.errors, 0);
  const dbOk = Object.values(verifications).every((v) => v.ok);
  console.log(`\n${table(results)}\n`);
  console.log('CPU per request on this box during the PostgreSQL phases (the throughput ceiling is cores / machine CPU per request):');
  for (const b of budgets) {
    console.log(`  ${b.server.padEnd(12)} ${b.phase.padEnd(30)} gateways ${fmt(b.gatewayMsPerReq, 3)} ms, PostgreSQL ${b.postgresMsPerReq === null ? 'n/a' : fmt(b.postgresMsPerReq, 3)} ms, whole machine ${b.machineMsPerReq === null ? 'n/a' : fmt(b.machineMsPerReq, 3)} ms -> ceiling ${b.ceilingReqPerSec === null ? 'n/a' : fmt(b.ceilingReqPerSec)} req/s`);
  }
  if (profile) {
    for (const f of fs.readdirSync(path.join(resultsDir, 'profiles')).filter((f) => f.startsWith('gateway-postgres-')).sort().slice(-gatewayCounts.length)) {
      console.log(`\n${f}:\n${formatProfile(summarizeProfile(path.join(resultsDir, 'profiles', f)))}\n`);
    }
  }
  console.log('statements (round trips) per webhook on PostgreSQL, counted in-process:');
  for (const t of trips.steps) console.log(`  ${t.text.padEnd(10)} ${t.statements} (${t.detail})`);
  console.log('\ntargets:');
  for (const t of targets) console.log(`  ${t.met ? 'MET   ' : 'MISSED'} ${t.target}: ${t.value}`);
  console.log('\ndatabase checks:');
  for (const [k, v] of Object.entries(verifications)) {
    console.log(`  ${v.ok ? 'OK  ' : 'FAIL'} ${k}: ${Object.entries(v.counts).map(([a, b]) => `${a}=${b}`).join(' ')}`);
    for (const p of v.problems) console.log(`       ${p}`);
  }
  const out = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadAverageAtEnd: os.loadavg(), database: 'PostgreSQL on the same machine' },
    phones: phonesN, gateways: gatewayCounts, results, cpuBudgets: budgets, roundTrips: trips, targets, verifications,
  };
  fs.writeFileSync(path.join(resultsDir, 'rally-postgres.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, path.join(resultsDir, 'rally-postgres.json'))}`);
  if (errors > 0 || !dbOk) {
    console.error(`FAILED: ${errors} errors, database ${dbOk ? 'ok' : 'NOT as expected'}`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
