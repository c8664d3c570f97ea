/**
 * `npm run bench:sequences`: the follow-up scheduler over 100,000 contacts (BENCH_CONTACTS).
 *
 * A real SQLite database (temp file) with N subscribed contacts, each on a two-step sequence
 * (one step due now, one a month away: 2N schedule rows). Measured in this process:
 *   idle     one housekeeping call when nothing is due (what every dispatcher pass pays)
 *   due      claiming all N due rows in batches of 500 (runDueSequences: per row the decision, the
 *            render, the opt-out gate and the outbox row, in one transaction per batch): total
 *            time, cost per due message, rows per second
 *   memory   peak RSS and heap during the run
 * Sending the queued texts is the dispatcher's reply lane, measured by bench:broadcast.
 * Prints one table; writes bench/results/sequences.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ManualClock } from '../src/core/clock';
import { uuid } from '../src/shared/ids';
import { createLogger } from '../src/shared/logger';
import { sqliteOf } from '../src/store/sqlite/store';
import { runDueSequences } from '../src/usecases/sequences/scheduler';
import { loadConfig } from '../src/wiring/config';
import { createContext } from '../src/wiring/create-context';

const N = Number(process.env.BENCH_CONTACTS ?? 100_000);
const START = '2026-11-21T20:00:00.000Z';

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-bench-seq-'));
  const config = loadConfig({ ...process.env, DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`, LOG_LEVEL: 'silent', QUIET_HOURS: 'off' });
  const clock = new ManualClock(START);
  const ctx = createContext(config, createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() })), { clock, newId: uuid });
  const db = sqliteOf(ctx.store);
  await new Promise((r) => setTimeout(r, 50));
  const campaign = (await ctx.store.campaigns.list(false))[0]!;
  const seq = await ctx.store.sequences.create(uuid(), {
    campaignId: campaign.id, name: 'bench', trigger: 'joined', active: true,
    steps: [{ after: 'PT1H', template: 'Thanks {{first_name|friend}}! Canvass kickoff Saturday.' }, { after: 'P1M', template: 'A month already!' }],
  }, clock.now(), uuid);

  const t0 = performance.now();
  const anchor = new Date(new Date(START).getTime() - 3_600_000).toISOString();
  const month = new Date(new Date(anchor).getTime() + 30 * 86_400_000).toISOString();
  const insertContact = db.sqlite.prepare(`INSERT INTO contacts (id, phone, first_name, zip, email, fields, status, undeliverable, is_test, created_at, updated_at)
    VALUES (?, ?, ?, '60601', NULL, '{}', 'subscribed', 0, 0, ?, ?)`);
  const insertRow = db.sqlite.prepare(`INSERT INTO sequence_schedule (id, sequence_id, contact_id, step_index, occurrence, anchor_at, due_at, status, updated_at)
    VALUES (?, ?, ?, ?, 0, ?, ?, 'scheduled', ?)`);
  db.sqlite.transaction(() => {
    for (let i = 0; i < N; i++) {
      const id = uuid();
      insertContact.run(id, `+1312${String(2_000_000 + i).padStart(7, '0')}`, i % 3 === 0 ? null : 'Ana', anchor, anchor);
      insertRow.run(uuid(), seq.id, id, 0, anchor, START, anchor);
      insertRow.run(uuid(), seq.id, id, 1, anchor, month, anchor);
    }
  })();
  const setupSeconds = (performance.now() - t0) / 1000;
  const run = () => runDueSequences(ctx.store, { now: clock.now(), window: null, footer: 'Reply STOP to opt out', linkBase: 'https://sms.example.org', newId: uuid, maxBatches: 1_000_000 });

  // Idle: nothing due yet (one minute before).
  clock.set(new Date(new Date(START).getTime() - 60_000));
  const idleRuns = 200;
  const i0 = performance.now();
  for (let i = 0; i < idleRuns; i++) await run();
  const idleMs = (performance.now() - i0) / idleRuns;

  clock.set(START);
  let peakRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const d0 = performance.now();
  const report = await run();
  const dueSeconds = (performance.now() - d0) / 1000;
  clearInterval(sampler);
  const queued = (db.sqlite.prepare("SELECT count(*) AS n FROM outbound_messages WHERE status = 'queued'").get() as { n: number }).n;

  const result = {
    contacts: N, scheduleRows: 2 * N, setupSeconds: +setupSeconds.toFixed(1), idleMsPerPass: +idleMs.toFixed(3),
    due: report.claimed, queued, dueSeconds: +dueSeconds.toFixed(2), usPerDueMessage: +((dueSeconds * 1e6) / Math.max(1, report.claimed)).toFixed(1),
    rowsPerSecond: Math.round(report.claimed / dueSeconds), peakRssMB: Math.round(peakRss / 1048576), peakHeapMB: Math.round(peakHeap / 1048576),
  };
  console.table([result]);
  fs.mkdirSync(path.join(__dirname, '..', '..', 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, '..', '..', 'bench', 'results', 'sequences.json'), `${JSON.stringify(result, null, 2)}\n`);
  await ctx.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
