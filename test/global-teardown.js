/**
 * After any run: drop the PostgreSQL schemas its testApp() calls made (rt_<run>_…). Not only under
 * TEST_ENGINE=postgres: the SQLite run's PostgreSQL drills make them too, and schemas left behind
 * slow every later migration (Kysely's Migrator introspects the tables of every schema).
 */
module.exports = async () => {
  const run = process.env.RALLYTEXT_PG_RUN;
  if (!run) return;
  const { Client } = require('pg');
  const url = process.env.TEST_DATABASE_URL || `postgres://${process.env.PGUSER ?? 'postgres'}@127.0.0.1:5432/test`;
  const c = new Client({ connectionString: url });
  try {
    await c.connect();
    const { rows } = await c.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", [`rt\\_${run}\\_%`]);
    for (const r of rows) await c.query(`DROP SCHEMA IF EXISTS ${r.nspname} CASCADE`);
  } catch {
    // nothing to clean, or no server: the run itself reported that
  } finally {
    await c.end().catch(() => undefined);
  }
};
