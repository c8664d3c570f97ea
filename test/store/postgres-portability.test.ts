/**
 * The schema and the hot-path SQL are portable: the migrations apply to PostgreSQL
 * (running on 127.0.0.1:5432 on every machine of this project, CI included), and every
 * statement of the inbound path (Kysely queries, compiled for PostgreSQL as that engine will)
 * and of the outbox prepares against it, as do the staged contact import's set-based statements.
 */
import { Client } from 'pg';
import { MIGRATIONS } from '../../src/store/migrations';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import type { DB } from '../../src/store/database';
import { INBOUND_QUERIES } from '../../src/store/inbound/shared';
import { OUTBOX_QUERIES } from '../../src/store/outbox/sqlite-gate';
import { THREAD_QUERIES } from '../../src/store/inbox/threads';
import { ASK_QUERIES } from '../../src/store/broadcasts/conversations';
import { IMPORT_QUERIES } from '../../src/store/imports/shared';
import { VOTING_QUERIES } from '../../src/store/polls/inbound';
import { REFERRAL_QUERIES } from '../../src/store/referrals/inbound';
import { bind, type Query } from '../../src/store/query';
import { describeWithPostgres, postgresUrl } from '../helpers/postgres';

describeWithPostgres('the schema and the hot-path statements on PostgreSQL', () => {
  const schemaName = `rallytext_portability_${process.pid}`;
  let pg: Client;

  beforeAll(async () => {
    pg = new Client({ connectionString: postgresUrl() });
    await pg.connect();
    await pg.query(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE; CREATE SCHEMA ${schemaName}; SET search_path TO ${schemaName}`);
  });
  afterAll(async () => {
    await pg.query(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE`);
    await pg.end();
  });

  /** Kysely for PostgreSQL without a connection: it only compiles. */
  const postgres = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const HOT_PATH_SQL = Object.fromEntries([
    ...Object.entries(INBOUND_QUERIES).map(([k, q]) => [k, q.compileFor(postgres).sql]),
    ...Object.entries(OUTBOX_QUERIES).map(([k, q]) => [`outbox.${k}`, q.compileFor(postgres).sql]),
    ...Object.entries(THREAD_QUERIES).map(([k, q]) => [`inbox.${k}`, q.compileFor(postgres).sql]),
    ...Object.entries(ASK_QUERIES).map(([k, q]) => [`ask.${k}`, q.compileFor(postgres).sql]),
    ...Object.entries(IMPORT_QUERIES).map(([k, q]) => [`imports.${k}`, q.compileFor(postgres).sql]),
    ...Object.entries(VOTING_QUERIES).map(([k, q]) => [`voting.${k}`, q.compileFor(postgres).sql]),
    ...Object.entries(REFERRAL_QUERIES).map(([k, q]) => [`referrals.${k}`, q.compileFor(postgres).sql]),
  ]);

  /** A query's PostgreSQL text and its values, bound by name. */
  function onPostgres<P extends object>(q: Query<unknown, P>, params: P): [string, unknown[]] {
    const c = q.compileFor(postgres);
    return [c.sql, bind(c, params)];
  }

  it('the migrations apply to PostgreSQL, twice (idempotent)', async () => {
    const ddl = MIGRATIONS.map((m) => m.ddl('postgres')).join('\n');
    await pg.query(ddl);
    await pg.query(ddl);
    const tables = await pg.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schemaName]);
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['campaign_members', 'campaigns', 'consent_events', 'contacts', 'conversations', 'inbound_messages', 'keywords', 'outbound_messages', 'pledges', 'settings']),
    );
  });

  test.each(Object.entries(HOT_PATH_SQL))(
    'hot-path statement %s prepares on PostgreSQL',
    async (name, sql) => {
      // PREPARE type-checks the statement against the schema without running it.
      const id = `p_${name.replace(/\W/g, '_')}`;
      await pg.query(`PREPARE ${id} AS ${sql}`);
      await pg.query(`DEALLOCATE ${id}`);
    },
  );

  it('contacts: one row per phone (UNIQUE), found again by phone', async () => {
    const now = new Date().toISOString();
    const row = (id: string) =>
      onPostgres(INBOUND_QUERIES.insertContact, {
        id, phone: '+13125550100', status: 'pending', first_name: null, zip: null, email: null, fields: '{}', from_state: null, opted_out_at: null, at: now, language: 'es',
      });
    await pg.query(...row('c1'));
    await expect(pg.query(...row('c2'))).rejects.toThrow(/contacts_phone_key/);
    const found = await pg.query(...onPostgres(INBOUND_QUERIES.findContact, { phone: '+13125550100' }));
    expect(found.rows).toEqual([{ id: 'c1', status: 'pending', first_name: null, zip: null, email: null, fields: '{}', language: 'es' }]);
  });

  it('the partial unique index allows one waiting conversation per contact and sender', async () => {
    const now = new Date().toISOString();
    await pg.query(`INSERT INTO campaigns (id, name, program_name, sender, frequency, support_contact, flow, created_at, updated_at) VALUES ('k1','n','p','62262','f','s','{}',$1,$1)`, [now]);
    const row = (id: string, status: 'waiting' | 'completed') =>
      onPostgres(INBOUND_QUERIES.insertConversation, {
        id, contact_id: 'c1', campaign_id: 'k1', sender: '62262', keyword: 'JOIN', status, step_index: 0, attempts: 0, data: '{}', at: now,
        expires_at: now, ended_at: null,
      });
    await pg.query(...row('v1', 'waiting'));
    await pg.query(...row('v2', 'completed'));
    await expect(pg.query(...row('v3', 'waiting'))).rejects.toThrow(/conversations_waiting/);
  });
});
