/**
 * Drill: the disk fills up or the database becomes read-only, at start-up and mid-run.
 *
 * Real conditions, not mocks: a tiny tmpfs filled to the last byte (ENOSPC → SQLITE_FULL) and
 * files made immutable with chattr +i (EPERM even through the gateway's open descriptors, as
 * for a filesystem gone read-only under it). Needs root on Linux; elsewhere these drills are
 * skipped with the reason, and test/store/database-full.test.ts covers the same answers
 * in-process with SQLite's max_page_count.
 *
 * Expected: a clear start-up error (exit code and a plain sentence on stderr); while it lasts
 * every webhook gets 503 + Retry-After so Twilio's fallback URL takes over; nothing is half
 * written; when the condition clears, replays of the refused webhooks succeed without a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { tempDbFile } from '../helpers/app';
import { crowd, paramsOf, postSms, type CrowdText } from '../helpers/crowd';
import { gatewayEnv, spawnGateway, startGateway } from '../helpers/gateway-process';
import { immutableSupported, setImmutable, tinyDisk, type TinyDisk } from '../helpers/hostile-disk';

jest.setTimeout(120_000);

const tmpDir = path.dirname(tempDbFile());
const chattr = immutableSupported(tmpDir);
const probeDisk = tinyDisk(1);
const tmpfs = typeof probeDisk === 'string' ? probeDisk : true;
if (typeof probeDisk !== 'string') probeDisk.unmount();

const describeIf = (ok: true | string) => (ok === true ? describe : describe.skip);
if (chattr !== true) console.warn(`read-only drills skipped: ${chattr}`);
if (tmpfs !== true) console.warn(`disk-full drills skipped: ${tmpfs}`);

function storedSids(file: string): Set<string> {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return new Set((db.prepare('SELECT message_sid FROM inbound_messages').all() as { message_sid: string }[]).map((r) => r.message_sid));
  } finally {
    db.close();
  }
}

/** Starts the gateway expecting it to refuse; one that starts anyway is killed after 20 s. */
async function startupFailure(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const gw = spawnGateway(env);
  const guard = setTimeout(() => gw.kill('SIGKILL'), 20_000);
  const exit = await gw.exited;
  clearTimeout(guard);
  return { code: exit.code, output: gw.output() };
}

describeIf(chattr)('read-only database', () => {
  test('at start-up: exit code 1 and a plain explanation; starts once writable again', async () => {
    const file = tempDbFile();
    const env = gatewayEnv(file);
    const first = await startGateway(env); // creates the database
    first.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);

    setImmutable([file], true);
    try {
      const r = await startupFailure(env);
      expect(r.code).toBe(1);
      expect(r.output).toMatch(/rallytext: cannot open the database .*rallytext\.db/);
      expect(r.output).toMatch(/read-only|not writable/i);
    } finally {
      setImmutable([file], false);
    }
    const again = await startGateway(env);
    again.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  });

  test('a new database in a read-only directory: a plain explanation', async () => {
    const dir = path.dirname(tempDbFile());
    setImmutable([dir], true);
    try {
      const r = await startupFailure(gatewayEnv(path.join(dir, 'new.db')));
      expect(r.code).toBe(1);
      expect(r.output).toMatch(/rallytext: cannot open the database/);
      expect(r.output).toMatch(/writable/i);
    } finally {
      setImmutable([dir], false);
    }
  });

  test('mid-run: 503 + Retry-After while it lasts, nothing half-written, replays succeed after', async () => {
    const file = tempDbFile();
    const gw = await startGateway(gatewayEnv(file));
    const phones = crowd(30, 0xa1);
    try {
      for (const p of phones.slice(0, 10)) expect((await postSms(gw.baseUrl, paramsOf(p.texts[0]!))).status).toBe(200);

      setImmutable([file, `${file}-wal`], true);
      // Some phones answer their name, new ones text JOIN: all refused with 503 while read-only.
      const during: CrowdText[] = [...phones.slice(0, 10).map((p) => p.texts[1]!), ...phones.slice(10).map((p) => p.texts[0]!)];
      try {
        for (const t of during) {
          const a = await postSms(gw.baseUrl, paramsOf(t));
          expect({ sid: t.sid, status: a.status, retryAfter: a.retryAfter }).toEqual({ sid: t.sid, status: 503, retryAfter: '5' });
          expect(JSON.parse(a.raw)).toMatchObject({ error: { code: 'unavailable' } });
        }
      } finally {
        setImmutable([file, `${file}-wal`], false);
      }
      expect(gw.child.exitCode).toBeNull();
      expect(gw.output()).toMatch(/database unavailable/);
      const afterSpell = storedSids(file);
      expect(during.filter((t) => afterSpell.has(t.sid))).toEqual([]);

      // Writable again: the very same webhooks (Twilio's retry, or a re-send) now succeed.
      for (const t of during) {
        const a = await postSms(gw.baseUrl, paramsOf(t));
        expect({ sid: t.sid, status: a.status, ok: a.replies.join().includes(t.expect) }).toEqual({ sid: t.sid, status: 200, ok: true });
      }
      const done = storedSids(file);
      expect(during.every((t) => done.has(t.sid))).toBe(true);
    } finally {
      setImmutable([file, `${file}-wal`], false);
      gw.kill('SIGTERM');
      await gw.exited;
    }
  });
});

describeIf(tmpfs)('disk full', () => {
  let disk: TinyDisk;
  beforeEach(() => {
    disk = tinyDisk(24) as TinyDisk;
  });
  afterEach(() => disk.unmount());

  test('at start-up: exit code 1 and a plain explanation; starts once there is room', async () => {
    const file = path.join(disk.dir, 'rallytext.db');
    disk.fill();
    const r = await startupFailure(gatewayEnv(file));
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/rallytext: cannot open the database/);
    expect(r.output).toMatch(/disk is full|no space/i);
    disk.unfill();
    fs.rmSync(file, { force: true });
    const gw = await startGateway(gatewayEnv(file));
    gw.kill('SIGTERM');
    expect((await gw.exited).code).toBe(0);
  });

  test('mid-run: 503 + Retry-After once nothing fits, nothing half-written, replays succeed after', async () => {
    const file = path.join(disk.dir, 'rallytext.db');
    const gw = await startGateway(gatewayEnv(file));
    const phones = crowd(1500, 0xa2);
    try {
      for (const p of phones.slice(0, 20)) expect((await postSms(gw.baseUrl, paramsOf(p.texts[0]!))).status).toBe(200);
      disk.fill();
      // Space already inside the WAL file can still take a few commits; then nothing fits.
      const refused: CrowdText[] = [];
      for (const p of phones.slice(20)) {
        const t = p.texts[0]!;
        const a = await postSms(gw.baseUrl, paramsOf(t));
        if (a.status === 503) refused.push(t);
        else expect(a.status).toBe(200);
        if (refused.length >= 25) break;
      }
      expect(refused.length).toBe(25);
      expect(refused.length).toBeGreaterThan(0);
      expect(gw.child.exitCode).toBeNull();
      const during = storedSids(file);
      expect(refused.filter((t) => during.has(t.sid))).toEqual([]);

      disk.unfill();
      for (const t of refused) {
        const a = await postSms(gw.baseUrl, paramsOf(t));
        expect({ sid: t.sid, status: a.status, ok: a.replies.join().includes(t.expect) }).toEqual({ sid: t.sid, status: 200, ok: true });
      }
      const after = storedSids(file);
      expect(refused.every((t) => after.has(t.sid))).toBe(true);
    } finally {
      gw.kill('SIGTERM');
      await gw.exited;
    }
  });
});
