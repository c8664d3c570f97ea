/**
 * Suites that need a PostgreSQL server run only where one answers: TEST_DATABASE_URL, else the
 * local server at 127.0.0.1:5432 (database `test`). Where none answers they are skipped with one
 * line saying how to enable them, except under CI (CI=true), where a missing server is a failure.
 */
import { spawnSync } from 'node:child_process';

export function postgresUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEST_DATABASE_URL || `postgres://${env.PGUSER ?? 'postgres'}@127.0.0.1:5432/test`;
}

const HOW_TO_ENABLE = 'start PostgreSQL on 127.0.0.1:5432 (database "test") or set TEST_DATABASE_URL=postgres://…';

/** One synchronous probe (describe blocks are collected synchronously): connect and SELECT 1. */
function probe(url: string): string | null {
  const script =
    "const { Client } = require('pg'); const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });" +
    "c.connect().then(() => c.query('SELECT 1')).then(() => c.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });";
  const r = spawnSync(process.execPath, ['-e', script, url], { encoding: 'utf8', timeout: 10_000 });
  if (r.status === 0) return null;
  return (r.stderr || r.error?.message || 'no answer').trim().split('\n')[0]!;
}

let cached: { url: string; problem: string | null } | undefined;

export function postgresProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  const url = postgresUrl(env);
  if (!cached || cached.url !== url) cached = { url, problem: probe(url) };
  return cached.problem;
}

export function describeWithPostgres(name: string, body: () => void, env: NodeJS.ProcessEnv = process.env): void {
  const problem = postgresProblem(env);
  if (!problem) {
    describe(name, body);
    return;
  }
  const why = `PostgreSQL tests "${name}": ${postgresUrl(env).replace(/:[^:@/]*@/, ':***@')} did not answer (${problem})`;
  if (env.CI === 'true' || env.CI === '1') {
    describe(name, () => {
      test('a PostgreSQL server answers (CI=true requires one)', () => {
        throw new Error(`${why}; ${HOW_TO_ENABLE} (.ci/run starts the local server)`);
      });
    });
    return;
  }
  process.stderr.write(`SKIPPED ${why}; ${HOW_TO_ENABLE}\n`);
  describe.skip(name, body);
}
