/**
 * Versioned migrations: a database made by the last schema.sql (kept as a fixture) upgrades in
 * place on both engines without losing a row, the history is recorded in Kysely's own tables,
 * applying again does nothing, and `rallytext db migrate` (Kysely's Migrator) agrees with the
 * synchronous applier SQLite uses at start-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { MIGRATIONS, migrateToLatest } from '../../src/store/migrations';
import { migrateDatabase } from '../../src/wiring/migrate';
import { PgDb } from '../../src/store/postgres/db';
import { openSqliteDb } from '../../src/store/sqlite/db';
import { tempDbFile } from '../helpers/app';
import { describeWithPostgres, postgresUrl } from '../helpers/postgres';

const OLD_SCHEMA = fs.readFileSync(path.join(__dirname, 'fixtures', 'schema-before-migrations.sql'), 'utf8');
const AT = '2026-11-21T20:00:00.000Z';
const ROWS = [
  `INSERT INTO campaigns (id, name, program_name, sender, frequency, support_contact, flow, goal_cents, active, created_at, updated_at)
     VALUES ('camp1', 'Rally', 'Rally alerts', '62262', 'Up to 4 msgs/mo', 'help@example.org', '{}', 500000, 1, '${AT}', '${AT}')`,
  `INSERT INTO contacts (id, phone, status, created_at, updated_at) VALUES ('c1', '+13125550100', 'subscribed', '${AT}', '${AT}')`,
  `INSERT INTO contacts (id, phone, status, created_at, updated_at) VALUES ('c2', '+13125550101', 'opted_out', '${AT}', '${AT}')`,
  `INSERT INTO pledges (id, contact_id, campaign_id, amount_cents, frequency, at) VALUES ('p1', 'c1', 'camp1', 2500, 'monthly', '${AT}')`,
  `INSERT INTO consent_events (id, contact_id, phone, kind, via, at) VALUES ('e1', 'c1', '+13125550100', 'opt_in', 'keyword', '${AT}')`,
];
const ALL = MIGRATIONS.map((m) => m.name);

describe('migrations on SQLite', () => {
  function oldDatabase(): string {
    const file = tempDbFile();
    const db = new BetterSqlite3(file);
    db.exec(OLD_SCHEMA);
    for (const r of ROWS) db.exec(r);
    db.close();
    return file;
  }

  it('a database made by the last schema.sql upgrades in place at start-up, every row kept', () => {
    const file = oldDatabase();
    const db = openSqliteDb(`sqlite:${file}`);
    const names = db.sqlite.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[];
    expect(names.map((r) => r.name)).toEqual(ALL);
    expect(db.sqlite.prepare('SELECT id, status FROM contacts ORDER BY id').all()).toEqual([
      { id: 'c1', status: 'subscribed' }, { id: 'c2', status: 'opted_out' },
    ]);
    expect(db.sqlite.prepare('SELECT amount_cents FROM pledges').all()).toEqual([{ amount_cents: 2500 }]);
    expect(db.sqlite.prepare('SELECT count(*) AS n FROM consent_events').get()).toEqual({ n: 1 });
    db.close();
  });

  it('`db migrate` (Kysely Migrator) upgrades an old database, then finds nothing to do after a start-up', async () => {
    const file = oldDatabase();
    expect((await migrateDatabase(`sqlite:${file}`)).applied).toEqual(ALL);
    expect((await migrateDatabase(`sqlite:${file}`)).applied).toEqual([]);
    const again = openSqliteDb(`sqlite:${file}`); // the start-up applier sees the Migrator's rows
    expect(again.sqlite.prepare('SELECT count(*) AS n FROM contacts').get()).toEqual({ n: 2 });
    again.close();

    const fresh = tempDbFile();
    openSqliteDb(`sqlite:${fresh}`).close(); // created by the start-up applier
    expect((await migrateDatabase(`sqlite:${fresh}`)).applied).toEqual([]);
  });
});

describeWithPostgres('migrations on PostgreSQL', () => {
  const schema = `rallytext_migrations_${process.pid}`;
  let admin: Client;

  beforeAll(async () => {
    admin = new Client({ connectionString: postgresUrl() });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('a database made by the last schema.sql upgrades in place, every row kept and numbered', async () => {
    await admin.query(`SET search_path TO ${schema}`);
    await admin.query(OLD_SCHEMA);
    for (const r of ROWS) await admin.query(r);
    const pg = new PgDb(postgresUrl(), { schema, max: 2 });
    try {
      const first = await migrateToLatest(pg.db, 'postgres');
      expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual(ALL.map((n) => [n, 'Success']));
      const again = await migrateToLatest(pg.db, 'postgres');
      expect(again.results).toEqual([]);
      const contacts = await pg.pool.query('SELECT id, status, rowid FROM contacts ORDER BY rowid');
      expect(contacts.rows).toEqual([{ id: 'c1', status: 'subscribed', rowid: 1 }, { id: 'c2', status: 'opted_out', rowid: 2 }]);
      const pledges = await pg.pool.query('SELECT amount_cents FROM pledges');
      expect(pledges.rows).toEqual([{ amount_cents: 2500 }]);
      // New rows keep being numbered after the old ones.
      await pg.pool.query(`INSERT INTO contacts (id, phone, created_at, updated_at) VALUES ('c3', '+13125550102', '${AT}', '${AT}')`);
      expect((await pg.pool.query(`SELECT rowid FROM contacts WHERE id = 'c3'`)).rows).toEqual([{ rowid: 3 }]);
    } finally {
      await pg.close();
    }
  });
});
