/**
 * Migration 0013 on a database that already has contacts (both engines): contacts_email_lower
 * becomes partial. It then holds an entry for each contact with an email and none for the others,
 * and the reconciliation's lookup (`lower(c.email) = ?`) still finds its rows through it. On
 * PostgreSQL the planner must prove the index's condition from that comparison, which is checked
 * with sequential scans switched off; and the migration runs twice without harm.
 */
import { MIGRATIONS } from '../../src/store/migrations';
import { openSqliteDb } from '../../src/store/sqlite/db';
import { historyBefore, postgresSchemaForBlock, runOn, sqliteAt } from '../helpers/migration-history';
import { describeWithPostgres } from '../helpers/postgres';

const AT = '2026-12-07T20:00:00.000Z';
const BEFORE = historyBefore('0013');
const M0013 = MIGRATIONS.find((m) => m.name === '0013-email-index-partial')!;
/** 30 contacts, every third with an email (in mixed case). */
const CONTACTS = Array.from({ length: 30 }, (_, i) =>
  `INSERT INTO contacts (id, phone, email, status, created_at, updated_at)
     VALUES ('c${i}', '+1312555${String(1000 + i)}', ${i % 3 === 0 ? `'Fan${i}@Rally.example'` : 'NULL'}, 'subscribed', '${AT}', '${AT}')`,
);
const BY_EMAIL = 'SELECT id FROM contacts c WHERE lower(c.email) = ';

test('SQLite: the index keeps only the contacts with an email, and the lookup by email uses it', () => {
  const { file, raw } = sqliteAt(BEFORE, CONTACTS, AT);
  const entries = () => raw.prepare("SELECT sum(ncell) AS n FROM dbstat WHERE name = 'contacts_email_lower'").get();
  expect(entries()).toEqual({ n: 30 }); // 0012's index: an entry for every contact
  raw.close();

  const db = openSqliteDb(`sqlite:${file}`); // the start-up applier runs 0013
  try {
    const index = db.sqlite.prepare("SELECT sql FROM sqlite_master WHERE name = 'contacts_email_lower'").get() as { sql: string };
    expect(index.sql).toMatch(/WHERE lower\(email\) IS NOT NULL/);
    expect(db.sqlite.prepare("SELECT sum(ncell) AS n FROM dbstat WHERE name = 'contacts_email_lower'").get()).toEqual({ n: 10 });
    const plan = (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${BY_EMAIL}?`).all('fan3@rally.example') as { detail: string }[]).map((r) => r.detail);
    expect(plan.join(' ')).toMatch(/USING INDEX contacts_email_lower/);
    expect(db.sqlite.prepare(`${BY_EMAIL}?`).all('fan3@rally.example')).toEqual([{ id: 'c3' }]);
  } finally {
    db.close();
  }
});

describeWithPostgres('migration 0013 on PostgreSQL', () => {
  const { client, schema } = postgresSchemaForBlock('m0013');

  it('makes the index partial, twice without harm, and the planner uses it for the lookup by email', async () => {
    const c = client();
    await runOn(c, [...BEFORE.map((m) => m.ddl('postgres')), ...CONTACTS.map((r) => `${r};`), M0013.ddl('postgres'), M0013.ddl('postgres')]);
    const def = (await c.query("SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'contacts_email_lower'", [schema])).rows;
    expect(def).toEqual([{ indexdef: expect.stringMatching(/WHERE \(lower\(email\) IS NOT NULL\)/) }]);
    await c.query('ANALYZE contacts');
    await c.query('SET enable_seqscan = off');
    const plan = (await c.query(`EXPLAIN ${BY_EMAIL}'fan3@rally.example'`)).rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
    await c.query('RESET enable_seqscan');
    expect(plan).toMatch(/contacts_email_lower/);
    expect((await c.query(`${BY_EMAIL}$1`, ['fan3@rally.example'])).rows).toEqual([{ id: 'c3' }]);
  });
});
