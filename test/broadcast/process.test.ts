/**
 * Real processes, compiled with `npm run build`:
 *  - the gateway (dist/main.js) is SIGKILLed mid-broadcast and started again: it resumes by
 *    itself and every recipient gets the text exactly once (counted by the fake Twilio API);
 *  - two standalone dispatchers (dist/dispatch-main.js) share one database: exactly once again;
 *  - the CLI drives a broadcast on a running gateway: create, preview, send, watch, status.
 * Progress is polled with a bounded timeout; nothing sleeps for time to pass.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/wiring/config';
import { systemClock } from '../../src/core/clock';
import { BroadcastService } from '../../src/usecases/broadcasts/service';
import { createContext } from '../../src/wiring/create-context';
import { uuid } from '../../src/shared/ids';
import { ACCOUNT_SID, ADMIN_TOKEN, AUTH_TOKEN, PUBLIC_BASE_URL, quietLogger, tempDbFile, withDb } from '../helpers/app';
import { fakeTwilioApi, type FakeTwilio } from '../helpers/fake-twilio';

const ROOT = path.join(__dirname, '..', '..');
jest.setTimeout(180_000);

function env(dbFile: string, fake: FakeTwilio, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production', DATABASE_URL: `sqlite:${dbFile}`, PORT: '0', HOST: '127.0.0.1', PUBLIC_BASE_URL,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_API_BASE_URL: fake.url, ADMIN_TOKEN,
    SEND_RATE_MPS: '200', QUIET_HOURS: 'off', LOG_LEVEL: 'warn', SEED_DEMO: 'false', ...extra,
  };
}

/** A database with the demo campaign, `n` subscribed supporters, and a broadcast started (status sending). */
async function seed(dbFile: string, n: number): Promise<{ broadcastId: string; phones: string[] }> {
  const config = loadConfig({ DATABASE_URL: `sqlite:${dbFile}`, SEED_DEMO: 'true', QUIET_HOURS: 'off' });
  const ctx = withDb(createContext(config, quietLogger(), { clock: systemClock, newId: uuid }));
  try {
    const s = ctx.db;
    const campaignId = s.first(s.db.selectFrom('campaigns').select('id'))!.id;
    const now = new Date().toISOString();
    const phones = Array.from({ length: n }, (_, i) => `+1773555${String(i).padStart(4, '0')}`);
    s.tx(() => {
      phones.forEach((p, i) => {
        const id = `contact-${String(i).padStart(5, '0')}`;
        s.prepare("INSERT INTO contacts (id, phone, status, created_at, updated_at) VALUES (?, ?, 'subscribed', ?, ?)").run(id, p, now, now);
        s.prepare("INSERT INTO campaign_members (campaign_id, contact_id, keyword, joined_at) VALUES (?, ?, 'JOIN', ?)").run(campaignId, id, now);
      });
    });
    const svc = new BroadcastService({ store: ctx.store, clock: systemClock, newId: uuid, sendRateMps: 200, quietHours: null, footerText: 'Reply STOP to opt out' });
    const b = await svc.create({ name: 'After the rally', template: 'Thanks {{first_name|friend}}! Canvass Sat 10am.', audience: { campaigns: [campaignId] } });
    await svc.send(b.id);
    return { broadcastId: b.id, phones };
  } finally {
    ctx.db.close();
  }
}

function readDb<T>(dbFile: string, fn: (q: (sql: string, ...p: unknown[]) => unknown[]) => T): T {
  const ctx = withDb(createContext(loadConfig({ DATABASE_URL: `sqlite:${dbFile}`, SEED_DEMO: 'false' }), quietLogger()));
  try {
    return fn((sql, ...p) => ctx.db.sqlite.prepare(sql).all(...p));
  } finally {
    ctx.db.close();
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function start(script: string, e: NodeJS.ProcessEnv): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', script)], { env: e, stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcess & { output: string[] };
  child.output = [];
  child.stdout!.on('data', (d: Buffer) => child.output.push(String(d)));
  child.stderr!.on('data', (d: Buffer) => child.output.push(String(d)));
  return child;
}

function exited(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

function broadcastStatus(dbFile: string, id: string): string {
  return readDb(dbFile, (q) => (q('SELECT status FROM broadcasts WHERE id = ?', id)[0] as { status: string }).status);
}

/** Newest modification time under a directory (files ending in `ext`). */
function newest(dir: string, ext: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, ext));
    else if (e.name.endsWith(ext)) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

beforeAll(() => {
  // `npm run build` unless dist/ is already newer than every source file (like make).
  const dist = path.join(ROOT, 'dist');
  if (fs.existsSync(path.join(dist, 'main.js')) && newest(dist, '.js') >= newest(path.join(ROOT, 'src'), '.ts')) return;
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
});

describe('crash safety with real processes', () => {
  let fake: FakeTwilio;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    // Answers take 40 ms, so dozens of requests are in flight at any moment (at 200/s).
    fake = await fakeTwilioApi({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, latencyMs: 40 });
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await fake.close();
  });

  test('SIGKILL mid-broadcast, restart: it resumes by itself and every supporter gets exactly one text', async () => {
    const dbFile = tempDbFile();
    const { broadcastId, phones } = await seed(dbFile, 800);

    const first = start('main.js', env(dbFile, fake));
    children.push(first);
    await until('the first 200 texts', () => fake.createdCount >= 200, 60_000);
    first.kill('SIGKILL');
    expect(await exited(first)).toBe('SIGKILL');

    const atKill = readDb(dbFile, (q) => q("SELECT status, count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? GROUP BY status", broadcastId));
    const inFlight = (atKill as { status: string; n: number }[]).find((r) => r.status === 'sending')?.n ?? 0;
    expect(inFlight).toBeGreaterThan(0); // the kill really interrupted requests
    const sentBeforeRestart = fake.createdCount;
    expect(sentBeforeRestart).toBeLessThan(800);

    const second = start('main.js', env(dbFile, fake));
    children.push(second);
    await until('the broadcast to finish', () => broadcastStatus(dbFile, broadcastId) === 'done', 90_000);

    expect(fake.createdCount).toBe(800);
    for (const p of phones) expect({ p, n: fake.createdPerNumber.get(p) }).toEqual({ p, n: 1 });
    const counts = readDb(dbFile, (q) => q('SELECT status, count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? GROUP BY status', broadcastId));
    expect(counts).toEqual([{ status: 'queued', n: 800 }]);
    // Rows that were in flight at the kill were looked up, not resent.
    expect(fake.requests.filter((r) => r.method === 'GET').length).toBeGreaterThanOrEqual(inFlight);

    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
  });

  test('two dispatcher processes on one database never send the same recipient twice', async () => {
    const dbFile = tempDbFile();
    const { broadcastId, phones } = await seed(dbFile, 600);
    const a = start('dispatch-main.js', env(dbFile, fake));
    const b = start('dispatch-main.js', env(dbFile, fake));
    children.push(a, b);
    await until('the broadcast to finish', () => broadcastStatus(dbFile, broadcastId) === 'done', 90_000);
    expect(fake.createdCount).toBe(600);
    for (const p of phones) expect({ p, n: fake.createdPerNumber.get(p) }).toEqual({ p, n: 1 });
    a.kill('SIGTERM');
    b.kill('SIGTERM');
    expect([await exited(a), await exited(b)]).toEqual([0, 0]);
  });
});

describe('the rallytext broadcast CLI against a running gateway', () => {
  test('create, preview, send, watch until done, status', async () => {
    const fake = await fakeTwilioApi({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const dbFile = tempDbFile();
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const { broadcastId: first } = await seed(dbFile, 3);
    const e = env(dbFile, fake, { PORT: String(port) });
    const gateway = start('main.js', e);
    try {
      let up = false;
      const probe = () => void fetch(`http://127.0.0.1:${port}/healthz`).then((r) => (up = r.ok), () => undefined);
      await until('the gateway to answer', () => (probe(), up), 30_000);
      await until('the seeded broadcast to finish', () => broadcastStatus(dbFile, first) === 'done', 30_000);
      const campaignId = readDb(dbFile, (q) => (q('SELECT id FROM campaigns')[0] as { id: string }).id);
      // Asynchronous: the fake Twilio API lives in this process and must keep answering.
      const run = promisify(execFile);
      const cli = async (...args: string[]) =>
        (await run(process.execPath, [path.join(ROOT, 'dist', 'cli', 'index.js'), 'broadcast', ...args, '--url', `http://127.0.0.1:${port}`], { env: e, encoding: 'utf8', timeout: 60_000 })).stdout;

      const created = JSON.parse(await cli('create', '--name', 'Saturday', '--template', 'See you Saturday, {{first_name|friend}}!', '--campaign', campaignId, '--json'));
      expect(created).toMatchObject({ status: 'draft', name: 'Saturday' });
      const preview = await cli('preview', created.id);
      expect(preview).toContain('recipients: 3');
      expect(preview).toContain('See you Saturday, friend!\nReply STOP to opt out');
      expect(await cli('send', created.id)).toContain('status: sending');
      const watched = await cli('watch', created.id, '--every', '0.2');
      expect(watched).toMatch(/done\s+3\/3 sent/);
      expect(await cli('status', created.id)).toContain('queued 3');

      // Mistakes are explained, with a non-zero exit.
      const bad = await cli('create', '--name', 'x', '--template', 'Hi {{nme}}', '--campaign', campaignId).then(
        () => null,
        (err: { code: number; stderr: string }) => err,
      );
      expect(bad?.code).toBe(1);
      expect(bad?.stderr).toMatch(/template: unknown merge field \{\{nme\}\}/);

      // A broadcast that asks, from a flow file; a bad branch target is named by its path.
      const flowFile = path.join(path.dirname(dbFile), 'rsvp.json');
      const rsvp = {
        steps: [{ id: 'rsvp', prompt: 'Coming Saturday? YES or NO', capture: 'coming', validate: { type: 'yesno' }, reprompt: 'YES or NO?',
          branches: [{ when: 'no', end: 'Thanks anyway!' }] }],
        completion: 'See you!',
      };
      fs.writeFileSync(flowFile, JSON.stringify(rsvp));
      const asking = JSON.parse(await cli('create', '--name', 'RSVP', '--flow-file', flowFile, '--campaign', campaignId, '--json'));
      expect(asking).toMatchObject({ template: 'Coming Saturday? YES or NO', answers: {} });
      expect(await cli('status', asking.id)).toContain('answers: none yet');
      fs.writeFileSync(flowFile, JSON.stringify({ ...rsvp, steps: [{ ...rsvp.steps[0], branches: [{ when: 'no', goto: 'nowhere' }] }] }));
      const badFlow = await cli('create', '--name', 'x', '--flow-file', flowFile, '--campaign', campaignId).then(() => null, (err: { code: number; stderr: string }) => err);
      expect(badFlow?.stderr).toMatch(/flow\.steps\.0\.branches\.0\.goto: no step has the id "nowhere"/);
      expect(fs.existsSync(dbFile)).toBe(true);
    } finally {
      gateway.kill('SIGTERM');
      await exited(gateway);
      await fake.close();
    }
  });
});
