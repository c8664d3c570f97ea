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
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { crowd, prng, shuffledIndexes, type Phone } from './rally/crowd';

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
  const old = fs.existsSync(path.join(root, 'dist', 'runtime.js'));
  const at = (p: string) => path.join(root, 'dist', p);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { loadConfig } = require(at(old ? 'config' : 'wiring/config'));
  const { createContext } = require(at(old ? 'runtime' : 'wiring/create-context'));
  const { createLogger } = require(at(old ? 'logger' : 'shared/logger'));
  const ids = require(at(old ? 'ids' : 'shared/ids'));
  const { answerInboundSms } = require(at('twilio/webhook'));
  /* eslint-enable @typescript-eslint/no-require-imports */
  const newId: () => string = ids.uuid ?? ids.uuidv7;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-bench-turns-'));
  const config = loadConfig({
    ...process.env, DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`, LOG_LEVEL: 'silent', QUIET_HOURS: 'off', SEED_DEMO: 'true', NODE_ENV: 'production',
    TWILIO_AUTH_TOKEN: 'rally-bench-auth-token-4f1c9a7e2b', TWILIO_ACCOUNT_SID: 'AC7b3f9e1d2c4a5b6c7d8e9f0a1b2c3d4e',
    PUBLIC_BASE_URL: 'https://sms.rally.example', ADMIN_TOKEN: 'rally-bench-admin-token-0123456789',
  });
  const logger = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));
  const ctx = createContext(config, logger, {});
  // The gateway's checkpointer thread, as main.ts starts it in either layout.
  if (old) require(at('store/checkpointer')).startCheckpointer(ctx.store, logger);
  else ctx.store.startUpkeep(logger);
  const target = old ? ctx : ctx.inbound;
  const params = (from: string, body: string) => {
    const sid = `SM${newId().replace(/-/g, '')}`;
    return {
      SmsMessageSid: sid, NumMedia: '0', SmsSid: sid, FromState: 'IL', SmsStatus: 'received', Body: body, FromCountry: 'US', To: '62262',
      NumSegments: '1', MessageSid: sid, AccountSid: 'AC7b3f9e1d2c4a5b6c7d8e9f0a1b2c3d4e', From: from, ApiVersion: '2010-04-01',
    };
  };
  const phones = crowd(n, 3);
  const rnd = prng(seed);
  await answerInboundSms(target, params('+13125550000', 'JOIN'));
  const out: Record<string, number> = {};
  for (const [turn, body] of TURNS) {
    const order = shuffledIndexes(phones.length, rnd);
    const texts = order.map((i) => params(phones[i]!.from, body(phones[i]!)));
    const c0 = process.cpuUsage();
    for (let i = 0; i < texts.length; i += 100) {
      const twiml: string[] = await Promise.all(texts.slice(i, i + 100).map((p) => answerInboundSms(target, p)));
      if (twiml.some((t) => !t.includes('<Message>'))) throw new Error(`${turn}: a text got no reply`);
    }
    const c = process.cpuUsage(c0);
    out[turn] = (c.user + c.system) / n;
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const n = Number(process.env.BENCH_PHONES ?? 20_000);
  if (process.env.BENCH_TURNS_CHILD) return child(process.env.BENCH_TURNS_CHILD, n, Number(process.env.BENCH_TURNS_SEED));
  const other = arg('compare');
  const builds = other ? [path.resolve(other), ROOT] : [ROOT];
  for (const b of builds) if (!fs.existsSync(path.join(b, 'dist', 'twilio', 'webhook.js'))) throw new Error(`${b}/dist not built`);
  const rounds = Number(arg('rounds') ?? 3);
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
