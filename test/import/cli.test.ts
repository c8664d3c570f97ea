/**
 * The real CLI against the gateway's database file: `rallytext import FILE.csv` applies the same
 * rules as the API, and `rallytext export contacts --campaign …` writes the same bytes the API
 * serves for the same filters, with an audit row of role "cli".
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ADMIN_TOKEN, tempDbFile, testApp, text, type TestApp } from '../helpers/app';
import { buildCli, removeCli, runCli } from '../helpers/cli';
import { download, readCsv } from '../helpers/csv';
import { FIXTURES } from '../helpers/fixtures';
import { contactByPhone, tableCounts } from '../helpers/imports';

let cli: string;
let t: TestApp;
let env: Record<string, string>;

beforeAll(() => {
  cli = buildCli();
});
afterAll(() => removeCli(cli));
beforeEach(() => {
  t = testApp();
  env = { DATABASE_URL: `sqlite:${t.dbFile}`, LOG_LEVEL: 'silent' };
});
afterEach(() => t.close());

const fixture = (name: string) => path.join(FIXTURES, 'imports', name);

test('import: dry run writes nothing; the real run imports, reports lines, and leaves the opted-out number alone', async () => {
  await text(t.app, '+13125550106', 'JOIN');
  await text(t.app, '+13125550106', 'STOP');
  const before = tableCounts(t.ctx.db);

  const dry = await runCli(cli, ['import', fixture('messy-excel.csv'), '--campaign', 'Demo rally', '--consent', 'attested', '--dry-run'], env);
  expect(dry.stderr).toBe('');
  expect(dry.code).toBe(0);
  expect(dry.stdout.toString()).toContain('DRY RUN: nothing was written');
  expect(tableCounts(t.ctx.db)).toEqual(before);

  const real = await runCli(cli, ['import', fixture('messy-excel.csv'), '--campaign', 'Demo rally', '--consent', 'attested'], env);
  expect(real.code).toBe(0);
  const out = real.stdout.toString();
  expect(out).toMatch(/new contacts\s+5\n/);
  expect(out).toMatch(/opted out \(left alone\)\s+1\n/);
  expect(out).toContain('line 7: "call me maybe" is not a phone number');
  expect(out).toContain('line 14: +13125550106');
  expect(contactByPhone(t.ctx.db, '+13125550101')).toMatchObject({ status: 'subscribed', first_name: 'Ana' });
  expect(contactByPhone(t.ctx.db, '+13125550106')).toMatchObject({ status: 'opted_out' });
  expect(t.ctx.db.sqlite.prepare('SELECT source, filename, consent FROM contact_imports').all()).toEqual([
    { source: 'cli', filename: 'messy-excel.csv', consent: 'attested' },
  ]);
});

test('import: a broken file, or one over --max-rows, exits non-zero with the reason, and nothing is written', async () => {
  const before = tableCounts(t.ctx.db);
  const r = await runCli(cli, ['import', fixture('broken-quote.csv')], env);
  expect(r.code).toBe(65);
  expect(r.stderr).toContain('line 5: a quoted field is never closed');
  const big = await runCli(cli, ['import', fixture('clean.csv'), '--max-rows', '2'], env);
  expect(big.code).toBe(65);
  expect(big.stderr).toContain('more than 2 rows in one file');
  expect(tableCounts(t.ctx.db)).toEqual(before);
});

test('export contacts --campaign writes the same bytes as the API, and is audited as cli', async () => {
  const imported = await runCli(cli, ['import', fixture('messy-excel.csv'), '--campaign', 'Demo rally', '--consent', 'attested'], env);
  expect(imported.code).toBe(0);
  const viaCli = await runCli(cli, ['export', 'contacts', '--campaign', 'Demo rally', '--subscribed', '--bom'], env);
  expect(viaCli.code).toBe(0);
  expect(viaCli.stderr).toMatch(/^exported 6 contacts \(stdout; suggested name rallytext-contacts-demo-rally-\d{4}-\d{2}-\d{2}\.csv\)\n$/);
  const viaApi = await download(t.app, '/api/exports/contacts.csv?campaign=Demo%20rally&subscribed=1&bom=1', ADMIN_TOKEN);
  expect(viaCli.stdout.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  expect(viaCli.stdout.equals(viaApi.body)).toBe(true);
  // Imported contacts are written in id order (see src/usecases/imports/apply.ts), so compare as a set.
  expect(readCsv(viaCli.stdout.toString()).rows.map((r) => r.phone).sort()).toEqual([
    '+13125550101', '+13125550102', '+13125550103', '+13125550104', '+13125550105', '+13125550106',
  ]);
  expect(t.ctx.db.sqlite.prepare("SELECT role, export, client, outcome, row_count FROM export_audit WHERE role = 'cli'").all()).toEqual([
    { role: 'cli', export: 'contacts', client: 'cli', outcome: 'completed', row_count: 6 },
  ]);
});

test('export: bad filters and unknown campaigns exit with a message, not a stack trace', async () => {
  const bad = await runCli(cli, ['export', 'contacts', '--since', 'yesterday'], env);
  expect(bad.code).toBe(64);
  expect(bad.stderr).toContain('since: must be a date');
  const unknown = await runCli(cli, ['export', 'pledges', '--campaign', 'Nope'], env);
  expect(unknown.code).toBe(66);
  expect(unknown.stderr).toContain('campaign "Nope" not found');
  const noDb = await runCli(cli, ['export', 'contacts'], { ...env, DATABASE_URL: 'sqlite:/nonexistent/dir/x.db' });
  expect(noDb.code).toBe(66);
  expect(noDb.stderr).toContain('no database at sqlite:/nonexistent/dir/x.db');
});

test('db migrate: the gateway database is already up to date; a database made by the old schema.sql is upgraded', async () => {
  const current = await runCli(cli, ['db', 'migrate'], env);
  expect(current.stderr).toBe('');
  expect(current.stdout.toString()).toBe('the database is up to date\n');

  const old = tempDbFile();
  const db = new BetterSqlite3(old);
  db.exec(fs.readFileSync(path.join(__dirname, '..', 'store', 'fixtures', 'schema-before-migrations.sql'), 'utf8'));
  db.close();
  const upgraded = await runCli(cli, ['db', 'migrate'], { ...env, DATABASE_URL: `sqlite:${old}` });
  expect(upgraded.stderr).toBe('');
  expect(upgraded.stdout.toString()).toBe('applied: 0001-initial, 0002-people-audit, 0003-inbox, 0004-broadcast-asks, 0005-import-staging, 0007-sequences-donations\n');
});
