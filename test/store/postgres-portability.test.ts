/**
 * The schema and the hot-path SQL are portable: schema.sql applies unchanged to PostgreSQL
 * (running on 127.0.0.1:5432 on every machine of this project, CI included), and every raw
 * statement of the inbound path and the outbox prepares against it.
 */
import fs from 'node:fs';
import { Client } from 'pg';
import { SCHEMA_PATH } from '../../src/store/sqlite/db';
import { INBOUND_SQL } from '../../src/store/inbound/sqlite';
import { OUTBOX_SQL } from '../../src/store/outbox';

const schemaName = `rallytext_portability_${process.pid}`;
let pg: Client;

beforeAll(async () => {
  pg = new Client({ host: '127.0.0.1', port: 5432, database: 'test', user: process.env.PGUSER ?? 'postgres' });
  await pg.connect();
  await pg.query(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE; CREATE SCHEMA ${schemaName}; SET search_path TO ${schemaName}`);
});
afterAll(async () => {
  await pg.query(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE`);
  await pg.end();
});

/** SQLite's ? placeholders as Postgres' $1, $2, … */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

it('schema.sql applies to PostgreSQL unchanged, twice (idempotent)', async () => {
  const ddl = fs.readFileSync(SCHEMA_PATH, 'utf8');
  await pg.query(ddl);
  await pg.query(ddl);
  const tables = await pg.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schemaName]);
  expect(tables.rows.map((r) => r.table_name)).toEqual(
    expect.arrayContaining(['campaign_members', 'campaigns', 'consent_events', 'contacts', 'conversations', 'inbound_messages', 'keywords', 'outbound_messages', 'pledges', 'settings']),
  );
});

test.each(Object.entries({ ...INBOUND_SQL, ...Object.fromEntries(Object.entries(OUTBOX_SQL).map(([k, v]) => [`outbox.${k}`, v])) }))(
  'hot-path statement %s prepares on PostgreSQL',
  async (name, sql) => {
    // PREPARE type-checks the statement against the schema without running it.
    const id = `p_${name.replace(/\W/g, '_')}`;
    await pg.query(`PREPARE ${id} AS ${numbered(sql)}`);
    await pg.query(`DEALLOCATE ${id}`);
  },
);

it('contacts: one row per phone (UNIQUE), found again by phone', async () => {
  const now = new Date().toISOString();
  const insert = numbered(INBOUND_SQL.insertContact);
  const row = (id: string) => [id, '+13125550100', 'pending', null, null, null, '{}', null, null, now, now];
  await pg.query(insert, row('c1'));
  await expect(pg.query(insert, row('c2'))).rejects.toThrow(/contacts_phone_key/);
  const found = await pg.query(numbered(INBOUND_SQL.findContact), ['+13125550100']);
  expect(found.rows).toEqual([{ id: 'c1', status: 'pending', first_name: null, zip: null, email: null, fields: '{}' }]);
});

it('the partial unique index allows one waiting conversation per contact and sender', async () => {
  const now = new Date().toISOString();
  await pg.query(`INSERT INTO campaigns (id, name, program_name, sender, frequency, support_contact, flow, created_at, updated_at) VALUES ('k1','n','p','62262','f','s','{}',$1,$1)`, [now]);
  const insert = numbered(INBOUND_SQL.insertConversation);
  const row = (id: string, status: string) => [id, 'c1', 'k1', '62262', 'JOIN', status, 0, 0, '{}', now, now, now, null];
  await pg.query(insert, row('v1', 'waiting'));
  await pg.query(insert, row('v2', 'completed'));
  await expect(pg.query(insert, row('v3', 'waiting'))).rejects.toThrow(/conversations_waiting/);
});
