/**
 * `npm run bench:export`: seed 1,000,000 contacts into a SQLite file, start the real gateway
 * (dist/main.js) on loopback, and time GET /api/exports/contacts.csv next to Debian's
 * `sqlite3 -csv` running the same SELECT on the same file. Also reported: the server's peak RSS
 * (VmHWM), /healthz latency while the export streams (how long the event loop is held), and a
 * 50,000-row import (the default cap) through POST /api/imports/contacts with the server's
 * event-loop delay (p99 / max, perf_hooks in the server) and /healthz latency during it.
 * Targets: export within 4x of the sqlite3 CLI, peak RSS under 200 MB, import stall ~100 ms.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DEMO_FLOW, parseFlow } from '../src/core/flow';
import { contactsStatement } from '../src/store/exports/shared';
import { migrateSqliteSync } from '../src/store/migrations';
import { bind } from '../src/store/query';
import { openSqliteDb } from '../src/store/sqlite/db';

const ROOT = path.join(__dirname, '..', '..');
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 50_000);
const RUNS = 3;
const ADMIN = 'bench-admin-token-0123456789';
const VOLUNTEER = 'bench-volunteer-token-0123456789';

/** The gateway's contacts.csv statement as plain SQL text (values inlined, every row) for the sqlite3 CLI. */
function contactsExportSql(): string {
  const mem = openSqliteDb('sqlite::memory:');
  try {
    const c = contactsStatement({}).compileFor(mem.db);
    const values = bind(c, { after: Number.MIN_SAFE_INTEGER, limit: -1 });
    let i = 0;
    return c.sql.replace(/\?/g, () => {
      const v = values[i++];
      return typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`;
    });
  } finally {
    mem.close();
  }
}

function ms(ns: bigint): number {
  return Number(ns / 1000n) / 1000;
}

function ensureSqlite3(): string {
  const which = spawnSync('sh', ['-c', 'command -v sqlite3'], { encoding: 'utf8' });
  if (which.status === 0) return which.stdout.trim();
  console.log('sqlite3 CLI missing: apt-get update && apt-get install -y sqlite3');
  for (const args of [['update'], ['install', '-y', 'sqlite3']]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed; install Debian's sqlite3 and run again`);
  }
  return 'sqlite3';
}

const FIRST = ['Ana', 'Ben', 'José', 'Zoë', 'Mary Ann', "O'Brien", 'Nguyễn', 'Li', 'Sam', 'Ola', 'Lopez, Maria', 'Kim "KJ"', 'Aisha', 'Dev 😀'];

function seed(file: string): { seconds: number; exportable: number } {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrateSqliteSync(db);
  const t0 = process.hrtime.bigint();
  const at = '2026-11-21T20:00:00.000Z';
  const campaign = db.prepare(
    'INSERT INTO campaigns (id, name, program_name, sender, frequency, support_contact, flow, goal_cents, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?)',
  );
  const contact = db.prepare(
    'INSERT INTO contacts (id, phone, first_name, zip, email, status, is_test, opted_out_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const member = db.prepare("INSERT INTO campaign_members (campaign_id, contact_id, keyword, joined_at, completed_at) VALUES (?, ?, 'JOIN', ?, ?)");
  const pledge = db.prepare("INSERT INTO pledges (id, contact_id, campaign_id, amount_cents, frequency, message_sid, at) VALUES (?, ?, ?, ?, 'monthly', NULL, ?)");
  const parsed = parseFlow(DEMO_FLOW);
  if (!parsed.ok) throw new Error('demo flow is invalid');
  const flow = JSON.stringify(parsed.value);
  let exportable = 0;
  db.transaction(() => {
    campaign.run('camp-rally', 'Rally night', 'Rally Alerts', '62262', 'Up to 6 msgs/mo', 'help@example.org', flow, at, at);
    campaign.run('camp-hall', 'Town hall', 'Rally Alerts', '62262', 'Up to 6 msgs/mo', 'help@example.org', flow, at, at);
    const start = Date.parse('2026-11-21T18:00:00.000Z');
    for (let i = 0; i < CONTACTS; i++) {
      const id = randomUUID();
      const when = new Date(start + i * 20).toISOString();
      const optedOut = i % 20 === 7;
      const isTest = i % 100_000 === 3 ? 1 : 0;
      if (!optedOut && !isTest) exportable++;
      const name = FIRST[i % FIRST.length]!;
      contact.run(
        id, `+1${String(2_000_000_000 + i * 7)}`, i % 500 === 11 ? `=HYPERLINK("http://x.example/${i}")` : name,
        String(10_000 + (i % 89_999)).padStart(5, '0'), i % 3 === 0 ? `person${i}@example.org` : null,
        optedOut ? 'opted_out' : 'subscribed', isTest, optedOut ? when : null, when, when,
      );
      member.run('camp-rally', id, when, i % 5 < 3 ? when : null);
      if (i % 4 === 0) member.run('camp-hall', id, when, null);
      if (i % 10 < 3) pledge.run(randomUUID(), id, i % 2 === 0 ? 'camp-rally' : 'camp-hall', 500 + (i % 50) * 100, when);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { seconds: ms(process.hrtime.bigint() - t0) / 1000, exportable };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

interface Fetched {
  status: number;
  bytes: number;
  lines: number;
  ms: number;
  body?: string;
}

function fetch(port: number, method: string, pathname: string, token: string | null, body?: Buffer, keep = false): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body) {
      headers['Content-Type'] = 'text/csv';
      headers['Content-Length'] = String(body.length);
    }
    const req = http.request({ host: '127.0.0.1', port, method, path: pathname, headers, agent: false }, (res) => {
      let bytes = 0;
      let lines = 0;
      const kept: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) lines++;
        if (keep) kept.push(c);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, bytes, lines, ms: ms(process.hrtime.bigint() - t0), body: keep ? Buffer.concat(kept).toString() : undefined }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** /healthz round trips, back to back with a 10 ms pause, until `until` settles. */
async function probe(port: number, until: Promise<unknown>): Promise<{ count: number; max: number; p99: number }> {
  let done = false;
  void until.finally(() => (done = true));
  const lat: number[] = [];
  while (!done) {
    lat.push((await fetch(port, 'GET', '/healthz', null)).ms);
    await new Promise((r) => setTimeout(r, 10));
  }
  lat.sort((a, b) => a - b);
  return { count: lat.length, max: lat[lat.length - 1] ?? 0, p99: lat[Math.floor(lat.length * 0.99)] ?? 0 };
}

function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function sqliteCli(bin: string, file: string, sql: string): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(bin, ['-readonly', '-csv', '-header', file, sql], { stdio: ['ignore', 'pipe', 'inherit'] });
    let bytes = 0;
    let lines = 0;
    child.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
      for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) lines++;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, bytes, lines, ms: ms(process.hrtime.bigint() - t0) }));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface LoopStats {
  seq: number;
  maxMs: number;
  p99Ms: number;
  meanMs: number;
}

let probeSeq = 0;
/** The server's event-loop delay since the previous call (see bench/_loop-probe.ts). */
async function loopStats(child: ChildProcess, file: string): Promise<LoopStats> {
  probeSeq++;
  child.kill('SIGUSR2');
  for (let i = 0; i < 1000; i++) {
    try {
      const s = JSON.parse(fs.readFileSync(file, 'utf8')) as LoopStats;
      if (s.seq === probeSeq) return s;
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('event-loop probe did not answer');
}

async function startServer(file: string, probeFile: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', path.join(__dirname, '_loop-probe.js'), path.join(ROOT, 'dist', 'main.js')], {
    env: {
      PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${file}`,
      ADMIN_TOKEN: ADMIN, VOLUNTEER_TOKEN: VOLUNTEER, LOG_LEVEL: 'warn', SEED_DEMO: 'false', LOOP_PROBE_FILE: probeFile,
      ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // Up to 2 minutes: on a loaded shared box a gateway opening a million-contact file can take
  // longer than the 10 s this used to allow.
  for (let i = 0; i < 2400; i++) {
    try {
      if ((await fetch(port, 'GET', '/healthz', null)).status === 200) return { child, port };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('gateway did not start');
}

function importFile(rows: number): Buffer {
  const parts = ['Mobile Phone,First,Zip Code,E-mail\r\n'];
  for (let i = 0; i < rows; i++) parts.push(`(415) ${200 + Math.floor(i / 10_000)}-${String(i % 10_000).padStart(4, '0')},Import ${i},${String(90_000 + (i % 9_999))},imp${i}@example.org\r\n`);
  return Buffer.from(parts.join(''));
}

async function main(): Promise<void> {
  const sqlite3 = ensureSqlite3();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rallytext-bench-export-'));
  const file = path.join(dir, 'bench.db');
  console.log(`seeding ${CONTACTS.toLocaleString('en-US')} contacts into ${file} ...`);
  const seeded = seed(file);
  console.log(`seeded in ${seeded.seconds.toFixed(1)} s (${seeded.exportable.toLocaleString('en-US')} exportable: not opted out, not test)`);

  const probeFile = path.join(dir, 'loop-probe.json');
  const { child, port } = await startServer(file, probeFile);
  const pid = child.pid!;
  const idleRss = procStatus(pid, 'VmRSS');
  const results: Record<string, unknown> = {};
  try {
    const http1: Fetched[] = [];
    let health = { count: 0, max: 0, p99: 0 };
    let loop = { maxMs: 0, p99Ms: 0 };
    for (let run = 0; run < RUNS; run++) {
      await loopStats(child, probeFile);
      const exporting = fetch(port, 'GET', '/api/exports/contacts.csv', VOLUNTEER);
      const h = await probe(port, exporting);
      const r = await exporting;
      const l = await loopStats(child, probeFile);
      if (l.maxMs > loop.maxMs) loop = l;
      if (r.status !== 200) throw new Error(`export answered ${r.status}`);
      if (r.lines !== seeded.exportable + 1) throw new Error(`export returned ${r.lines - 1} rows, expected ${seeded.exportable}`);
      http1.push(r);
      if (h.max > health.max) health = h;
    }
    const peakRss = procStatus(pid, 'VmHWM');

    const sql = contactsExportSql();
    const cli: Fetched[] = [];
    for (let run = 0; run < RUNS; run++) {
      const r = await sqliteCli(sqlite3, file, sql);
      if (r.status !== 0) throw new Error(`sqlite3 exited ${r.status}`);
      if (r.lines !== seeded.exportable + 1) throw new Error(`sqlite3 returned ${r.lines - 1} rows, expected ${seeded.exportable}`);
      cli.push(r);
    }

    const body = importFile(IMPORT_ROWS);
    await loopStats(child, probeFile);
    const importing = fetch(port, 'POST', `/api/imports/contacts?campaign=camp-hall&consent=attested`, ADMIN, body, true);
    const ih = await probe(port, importing);
    const imported = await importing;
    const importLoop = await loopStats(child, probeFile);
    if (imported.status !== 200) throw new Error(`import answered ${imported.status}: ${imported.body}`);
    const importTotals = (JSON.parse(imported.body!) as { totals: Record<string, number> }).totals;

    const httpMs = median(http1.map((r) => r.ms));
    const cliMs = median(cli.map((r) => r.ms));
    const ratio = httpMs / cliMs;
    results.export = {
      rows: seeded.exportable, httpBytes: http1[0]!.bytes, sqliteBytes: cli[0]!.bytes, httpMs: http1.map((r) => r.ms), sqliteMs: cli.map((r) => r.ms),
      ratio, idleRssMb: idleRss, peakRssMb: peakRss, healthz: health, eventLoop: loop,
    };
    results.import = { rows: IMPORT_ROWS, bytes: body.length, ms: imported.ms, totals: importTotals, healthz: ih, eventLoop: importLoop };

    const line = (k: string, v: string) => console.log(`| ${k.padEnd(50)} | ${v.padStart(22)} |`);
    console.log(`\nexport of ${seeded.exportable.toLocaleString('en-US')} contacts (${CONTACTS.toLocaleString('en-US')} seeded), median of ${RUNS} runs, node ${process.version}, ${os.cpus().length} CPUs\n`);
    console.log(`| ${'measure'.padEnd(50)} | ${'value'.padStart(22)} |`);
    console.log(`|${'-'.repeat(52)}|${'-'.repeat(24)}|`);
    line('GET /api/exports/contacts.csv over loopback', `${(httpMs / 1000).toFixed(2)} s`);
    line('sqlite3 -csv, same SELECT, same file', `${(cliMs / 1000).toFixed(2)} s`);
    line('ratio (target <= 4x)', `${ratio.toFixed(2)}x ${ratio <= 4 ? 'OK' : 'OVER'}`);
    line('HTTP throughput', `${Math.round(seeded.exportable / (httpMs / 1000)).toLocaleString('en-US')} rows/s`);
    line('CSV size (HTTP / sqlite3)', `${(http1[0]!.bytes / 1e6).toFixed(1)} / ${(cli[0]!.bytes / 1e6).toFixed(1)} MB`);
    line('server RSS idle / peak (VmHWM, target < 200 MB)', `${idleRss.toFixed(0)} / ${peakRss.toFixed(0)} MB ${peakRss < 200 ? 'OK' : 'OVER'}`);
    line('server event-loop delay during export: p99 / max', `${loop.p99Ms.toFixed(1)} / ${loop.maxMs.toFixed(1)} ms`);
    line('/healthz round trip during export: p99 / max', `${health.p99.toFixed(1)} / ${health.max.toFixed(1)} ms`);
    line(`import ${IMPORT_ROWS.toLocaleString('en-US')} rows (POST, staged, applied in chunks)`, `${(imported.ms / 1000).toFixed(2)} s`);
    line('server event-loop delay during import: p99 / max', `${importLoop.p99Ms.toFixed(1)} / ${importLoop.maxMs.toFixed(1)} ms`);
    line('/healthz round trip during import: p99 / max', `${ih.p99.toFixed(1)} / ${ih.max.toFixed(1)} ms`);
    line('server peak RSS after the import', `${procStatus(pid, 'VmHWM').toFixed(0)} MB`);

    fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'export.json'), `${JSON.stringify(results, null, 2)}\n`);
    if (ratio > 4 || peakRss >= 200) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (process.env.BENCH_KEEP_DB === '1') console.log(`kept ${file}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
