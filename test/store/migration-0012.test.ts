/**
 * Migration 0012 on a database that already has sequences (both engines): SQLite cannot alter a
 * CHECK, so it rebuilds the sequences table; PostgreSQL swaps the named constraint. Every
 * sequence (and its schedule) is kept, 'date' becomes a trigger with its field column, anything
 * else is still refused, the new indexes and sequence_conversations exist, and on PostgreSQL
 * the migration runs twice without harm (its history is re-runnable).
 */
import { MIGRATIONS } from '../../src/store/migrations';
import { openSqliteDb } from '../../src/store/sqlite/db';
import { historyBefore, postgresSchemaForBlock, runOn, sqliteAt } from '../helpers/migration-history';
import { describeWithPostgres } from '../helpers/postgres';

const AT = '2026-11-21T20:00:00.000Z';
const BEFORE = historyBefore('0012');
const M0012 = MIGRATIONS.find((m) => m.name === '0012-donation-gaps')!;
const ROWS = [
  `INSERT INTO campaigns (id, name, program_name, sender, frequency, support_contact, flow, goal_cents, active, created_at, updated_at)
     VALUES ('camp1', 'Rally', 'Rally alerts', '62262', 'Up to 4 msgs/mo', 'help@example.org', '{}', 500000, 1, '${AT}', '${AT}')`,
  `INSERT INTO sequences (id, campaign_id, name, trigger_event, steps, active, created_at, updated_at)
     VALUES ('s1', 'camp1', 'Welcome', 'joined', '[{"after":"PT1H","template":"Hi"}]', 1, '${AT}', '${AT}')`,
  `INSERT INTO sequence_schedule (id, sequence_id, contact_id, step_index, occurrence, anchor_at, due_at, status, updated_at)
     VALUES ('r1', 's1', 'c1', 0, 0, '${AT}', '${AT}', 'scheduled', '${AT}')`,
];
const DATED = `INSERT INTO sequences (id, campaign_id, name, trigger_event, date_field, steps, active, created_at, updated_at)
  VALUES ('s2', 'camp1', 'Shifts', 'date', 'shift_date', '[]', 1, '${AT}', '${AT}')`;
const BOGUS = `INSERT INTO sequences (id, campaign_id, name, trigger_event, steps, active, created_at, updated_at)
  VALUES ('s3', 'camp1', 'x', 'birthday', '[]', 1, '${AT}', '${AT}')`;

test('SQLite: an existing sequences table is rebuilt with every row; date is a trigger, others are still refused', () => {
  const { file, raw } = sqliteAt(BEFORE, ROWS, AT);
  raw.close();

  const db = openSqliteDb(`sqlite:${file}`); // the start-up applier runs 0012
  try {
    expect(db.sqlite.prepare('SELECT id, trigger_event, date_field, steps FROM sequences').all()).toEqual([
      { id: 's1', trigger_event: 'joined', date_field: null, steps: '[{"after":"PT1H","template":"Hi"}]' },
    ]);
    expect(db.sqlite.prepare('SELECT id, status FROM sequence_schedule').all()).toEqual([{ id: 'r1', status: 'scheduled' }]);
    db.sqlite.exec(DATED);
    expect(() => db.sqlite.exec(BOGUS)).toThrow(/CHECK constraint failed/);
    const indexes = (db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['sequences_campaign', 'contacts_email_lower', 'tracked_links_broadcast_contact']));
    expect(indexes).not.toContain('tracked_links_broadcast');
    expect(db.sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'sequence_conversations'").get()).toEqual({ n: 1 });
    // The table's foreign key to campaigns survived the rebuild.
    expect(db.sqlite.prepare('PRAGMA foreign_key_list(sequences)').all()).toEqual([expect.objectContaining({ table: 'campaigns', from: 'campaign_id' })]);
  } finally {
    db.close();
  }
});

describeWithPostgres('migration 0012 on PostgreSQL', () => {
  const { client, schema } = postgresSchemaForBlock('m0012');

  it('swaps the trigger constraint keeping every row, twice without harm', async () => {
    const c = client();
    await runOn(c, [...BEFORE.map((m) => m.ddl('postgres')), ...ROWS.map((r) => `${r};`), M0012.ddl('postgres'), M0012.ddl('postgres')]);
    expect((await c.query('SELECT id, trigger_event, date_field FROM sequences')).rows).toEqual([{ id: 's1', trigger_event: 'joined', date_field: null }]);
    await c.query(DATED);
    await expect(c.query(BOGUS)).rejects.toThrow(/sequences_trigger_event_check/);
    const indexes = (await c.query('SELECT indexname FROM pg_indexes WHERE schemaname = $1', [schema])).rows.map((r: { indexname: string }) => r.indexname);
    expect(indexes).toEqual(expect.arrayContaining(['contacts_email_lower', 'tracked_links_broadcast_contact', 'sequences_campaign', 'sequence_conversations_pkey']));
    expect(indexes).not.toContain('tracked_links_broadcast');
  });
});
