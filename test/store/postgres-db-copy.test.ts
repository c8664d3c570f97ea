/**
 * `rallytext db copy` (the real CLI, dist/cli/index.js) moving a campaign between engines: a
 * SQLite database with real traffic (conversations, pledges, a STOP, HELP, an inbox thread) is
 * copied into a fresh PostgreSQL schema, every table with the same rows; a gateway started on the
 * copy carries on the conversations where they were and new rows come after the copied ones (the
 * rowid identities were moved on); a second copy into the now non-empty target is refused and
 * changes nothing, unless --force; the copy goes back to a new SQLite file identically; a source
 * that is not migrated is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { tempDbFile, testApp, text } from '../helpers/app';
import { CLI, runNode } from '../helpers/child';
import { gatewayEnv, startGateway } from '../helpers/gateway-process';
import { paramsOf, postSms, crowd } from '../helpers/crowd';
import { inboundParams } from '../../src/twilio/rehearse';
import { describeWithPostgres, postgresUrl } from '../helpers/postgres';

jest.setTimeout(120_000);

const SKIPPED = new Set(['kysely_migration', 'kysely_migration_lock', 'flood_buckets']);

describeWithPostgres('rallytext db copy between SQLite and PostgreSQL', () => {
  const schema = `rt_copy_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let admin: Client;
  let pgUrl: string;
  let file: string;
  const phones = crowd(6, 0xc4);

  const sqliteCounts = (f: string) => {
    const db = new BetterSqlite3(f, { readonly: true });
    try {
      const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[])
        .map((r) => r.name)
        .filter((n) => !SKIPPED.has(n));
      return Object.fromEntries(names.map((n) => [n, (db.prepare(`SELECT count(*) AS n FROM "${n}"`).get() as { n: number }).n]));
    } finally {
      db.close();
    }
  };
  const pgCounts = async () => {
    const { rows } = await admin.query<{ t: string }>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1", [schema],
    );
    const out: Record<string, number> = {};
    for (const { t } of rows.filter((r) => !SKIPPED.has(r.t))) out[t] = Number((await admin.query(`SELECT count(*) AS n FROM ${schema}."${t}"`)).rows[0].n);
    return out;
  };
  const copy = (from: string, to: string, ...more: string[]) => runNode(CLI, ['db', 'copy', '--from', from, '--to', to, ...more], { LOG_LEVEL: 'silent' }, 60_000);

  beforeAll(async () => {
    admin = new Client({ connectionString: postgresUrl() });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const u = new URL(postgresUrl());
    u.searchParams.set('options', `-c search_path=${schema}`);
    pgUrl = u.toString();

    // A campaign's SQLite database with real traffic; the phones stop halfway through the flow.
    // (On today's clock: the gateway on the copy below runs on the real one and must find them unexpired.)
    const t = testApp({ DATABASE_URL: `sqlite:${tempDbFile()}` }, new Date().toISOString());
    file = t.config.databaseUrl.replace(/^sqlite:/, '');
    try {
      for (const p of phones) for (const m of p.texts.slice(0, 4)) await text(t.app, p.from, m.body);
      await text(t.app, '+13125550190', 'JOIN');
      await text(t.app, '+13125550190', 'STOP');
      await text(t.app, '+13125550191', 'HELP');
      await text(t.app, '+13125550192', 'is the rally still on tomorrow?');
    } finally {
      t.close();
    }
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('copies every table into an empty PostgreSQL schema; counts and checksums verified; a gateway on the copy carries on', async () => {
    const before = sqliteCounts(file);
    expect(before.contacts).toBe(9);
    const r = await copy(`sqlite:${file}`, pgUrl);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^copied sqlite:.* to postgres:/);
    expect(r.stdout).toMatch(/\n {2}contacts +9 rows {2}checksum [0-9a-f]{16} {2}ok\n/);
    expect(r.stdout).toMatch(/every count and checksum matches the source\n$/);
    expect(await pgCounts()).toEqual(before);

    // The conversations continue on PostgreSQL; new rows come after the copied ones.
    const gw = await startGateway(gatewayEnv('', { DATABASE_URL: pgUrl }));
    try {
      for (const p of phones) {
        const a = await postSms(gw.baseUrl, paramsOf(p.texts[4]!));
        expect(a.replies.join('\n')).toContain(p.texts[4]!.expect);
      }
      const a = await postSms(gw.baseUrl, inboundParams('+13125550199', '62262', 'JOIN', { MessageSid: `SMc0de${'0'.repeat(28)}` }));
      expect(a.replies.join('\n')).toContain("What's your first name?");
    } finally {
      gw.kill('SIGTERM');
      await gw.exited;
    }
    const { rows } = await admin.query(`SELECT phone FROM ${schema}.contacts ORDER BY rowid DESC LIMIT 1`);
    expect(rows[0].phone).toBe('+13125550199');
    const done = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.conversations WHERE status = 'completed'`);
    expect(done.rows[0].n).toBe(phones.length);
  });

  it('refuses a target that is not empty, and writes nothing; --force replaces its rows', async () => {
    const before = await pgCounts();
    const refused = await copy(`sqlite:${file}`, pgUrl);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^rallytext: nothing copied: the target is not empty \(.*contacts: 10.*\); pass --force to replace its rows with the source's\n$/);
    expect(await pgCounts()).toEqual(before);

    const forced = await copy(`sqlite:${file}`, pgUrl, '--force');
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(await pgCounts()).toEqual(sqliteCounts(file));
  });

  it('copies back from PostgreSQL into a new SQLite file, identically', async () => {
    const back = path.join(path.dirname(tempDbFile()), 'back.db');
    const r = await copy(pgUrl, `sqlite:${back}`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(sqliteCounts(back)).toEqual(await pgCounts());
    const db = new BetterSqlite3(back, { readonly: true });
    const orig = new BetterSqlite3(file, { readonly: true });
    try {
      const q = 'SELECT rowid, phone, status, first_name, zip, email FROM contacts ORDER BY rowid';
      expect(db.prepare(q).all()).toEqual(orig.prepare(q).all());
    } finally {
      db.close();
      orig.close();
    }
  });

  it('refuses a source that is not at this release\'s schema', async () => {
    const old = tempDbFile();
    const db = new BetterSqlite3(old);
    db.exec(fs.readFileSync(path.join(__dirname, 'fixtures', 'schema-before-migrations.sql'), 'utf8'));
    db.close();
    const r = await copy(`sqlite:${old}`, `sqlite:${old}.copy`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nothing copied: the source is not at this release's schema .*run `rallytext db migrate` on it first/);
  });
});
