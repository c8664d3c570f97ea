#!/usr/bin/env node
/**
 * `npm run test:postgres`: the feature suites again with every testApp() on PostgreSQL
 * (TEST_ENGINE=postgres). Where no server answers (TEST_DATABASE_URL, else 127.0.0.1:5432/test)
 * the run is skipped with one line, except under CI (CI=true), where that is a failure.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const url = process.env.TEST_DATABASE_URL || `postgres://${process.env.PGUSER ?? 'postgres'}@127.0.0.1:5432/test`;
const probe =
  "const { Client } = require('pg'); const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });" +
  "c.connect().then(() => c.query('SELECT 1')).then(() => c.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });";
const p = spawnSync(process.execPath, ['-e', probe, url], { encoding: 'utf8', timeout: 10_000 });
if (p.status !== 0) {
  const why = `PostgreSQL feature suites: ${url.replace(/:[^:@/]*@/, ':***@')} did not answer (${(p.stderr || 'no answer').trim().split('\n')[0]})`;
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  process.stderr.write(`${ci ? 'FAILED' : 'SKIPPED'} ${why}; start PostgreSQL on 127.0.0.1:5432 (database "test") or set TEST_DATABASE_URL=postgres://…\n`);
  process.exit(ci ? 1 : 0);
}
const SUITES = ['test/golden-conversations.test.ts', 'test/gateway', 'test/broadcast', 'test/export', 'test/import', 'test/store', 'test/twilio', 'test/live', 'test/console', 'test/admin', 'test/people', 'test/inbox', 'test/polls', 'test/pledges', 'test/referrals'];
// About SQLite itself or its file (group commit, checkpoints, a full disk, plans, the CLI and child processes on t.dbFile).
const SQLITE_ONLY = 'test/import/cli|test/store/(checkpointer|group-commit|database-full|inbound-plans|query|console-repositories|imports-repository|migrations|postgres-)|test/broadcast/process|test/live/shutdown';
const jest = require.resolve('jest/bin/jest');
const r = spawnSync(process.execPath, [jest, ...SUITES, '--testPathIgnorePatterns', SQLITE_ONLY, ...process.argv.slice(2)], {
  stdio: 'inherit', cwd: path.join(__dirname, '..'), env: { ...process.env, TEST_ENGINE: 'postgres' },
});
process.exit(r.status ?? 1);
