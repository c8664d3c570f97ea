/**
 * `npm run bench:wal`: which tables and indexes each turn of the rally conversation writes, in
 * WAL frames per webhook. Unlike CPU time, this count does not move with load on the machine, and
 * each frame is work done twice: the group commit writes it to the WAL, and the checkpointer copies
 * it into the database file. A random index page written on every answer shows up here at once
 * (session 22 found three, docs/performance.md).
 *
 * In-process, on a fresh SQLite file with the gateway's own pragmas and group commit. N phones
 * (BENCH_PHONES, default 5,000) text JOIN, then each answer turn (name, ZIP, pledge, email) in a
 * fresh random order, 100 at a time through the inbound use case, as a crowd's answers interleave.
 * Automatic checkpoints are off and the WAL is emptied before each turn. Afterwards every frame's
 * page is named by its b-tree (SQLite's dbstat). Prints a table per turn and writes
 * bench/results/wal-frames.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uuid } from '../src/shared/ids';
import { loadConfig } from '../src/wiring/config';
import { createContext } from '../src/wiring/create-context';
import { sqliteOf } from '../src/store/sqlite/store';
import { createLogger } from '../src/shared/logger';
import { Writable } from 'node:stream';
import { crowd, prng, shuffledIndexes, type Phone } from './rally/crowd';

const N = Number(process.env.BENCH_PHONES ?? 5_000);
const BATCH = 100;
const resultsDir = path.join(__dirname, '..', '..', 'bench', 'results');

const TURNS: [string, (p: Phone) => string, string][] = [
  ['JOIN', () => 'JOIN', "What's your first name?"],
  ['name', (p) => p.name, 'ZIP'],
  ['ZIP', (p) => p.zip, ''],
  ['pledge', (p) => p.pledgeText, ''],
  ['email', (p) => p.email, "You're in"],
];

/** The page number of each frame in a WAL file (after its 32-byte header, 24-byte frame headers). */
function walPages(file: string): number[] {
  const wal = fs.readFileSync(file);
  const pageSize = wal.readUInt32BE(8);
  const pages: number[] = [];
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) pages.push(wal.readUInt32BE(at));
  return pages;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-bench-wal-'));
  const file = path.join(dir, 'bench.db');
  const config = loadConfig({
    ...process.env, DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent', QUIET_HOURS: 'off', SEED_DEMO: 'true', NODE_ENV: 'production',
  });
  const ctx = createContext(config, createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() })), { newId: uuid });
  const sqlite = sqliteOf(ctx.store).sqlite;
  sqlite.pragma('wal_autocheckpoint = 0');
  const phones = crowd(N, 3);
  const rnd = prng(11);
  const out: { turn: string; framesPerWebhook: number; byBtree: Record<string, number> }[] = [];
  console.log(`WAL frames per webhook, ${N.toLocaleString('en-US')} phones, each turn in random order, ${BATCH} at a time`);
  try {
    for (const [turn, body, expect] of TURNS) {
      const order = shuffledIndexes(phones.length, rnd);
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
      for (let i = 0; i < order.length; i += BATCH) {
        const answers = await Promise.all(order.slice(i, i + BATCH).map((k) => ctx.inbound.receive({
          messageSid: `SM${uuid().replace(/-/g, '')}`, from: phones[k]!.from, to: '62262', body: body(phones[k]!), numMedia: 0, optOutType: null, fromState: null,
        })));
        for (const a of answers) if (!a.replies[0]?.includes(expect)) throw new Error(`${turn}: unexpected reply ${JSON.stringify(a.replies)}`);
      }
      const owners = new Map((sqlite.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]).map((r) => [r.pageno, r.name]));
      const counts = new Map<string, number>();
      const pages = walPages(`${file}-wal`);
      for (const p of pages) {
        const name = owners.get(p) ?? '(freed)';
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      const byBtree = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Number((v / N).toFixed(3))]));
      out.push({ turn, framesPerWebhook: Number((pages.length / N).toFixed(3)), byBtree });
      console.log(`\n${turn}: ${(pages.length / N).toFixed(2)} frames per webhook`);
      for (const [name, v] of Object.entries(byBtree)) if (v >= 0.05) console.log(`  ${v.toFixed(2).padStart(6)}  ${name}`);
    }
  } finally {
    await ctx.store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'wal-frames.json'), `${JSON.stringify({ date: new Date().toISOString(), phones: N, batch: BATCH, turns: out }, null, 2)}\n`);
  console.log('\nwrote bench/results/wal-frames.json');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
