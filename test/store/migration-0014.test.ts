/**
 * Migration 0014 on a database that already has referral rows (both engines): the table is keyed
 * by (contact_id, campaign_id) and referrals_contact is gone. What must hold: every row survives
 * as it was (on SQLite, whose table is rebuilt, with its rowid); codes and page tokens stay unique; the upsert's
 * ON CONFLICT (campaign_id, contact_id) still finds the key; a lookup by contact alone and one by
 * (campaign, contact) use the key. On PostgreSQL the migration runs twice without harm.
 */
import { MIGRATIONS } from '../../src/store/migrations';
import { openSqliteDb } from '../../src/store/sqlite/db';
import { historyBefore, postgresSchemaForBlock, runOn, sqliteAt } from '../helpers/migration-history';
import { describeWithPostgres } from '../helpers/postgres';

const AT = '2026-12-07T21:00:00.000Z';
const BEFORE = historyBefore('0014');
const M0014 = MIGRATIONS.find((m) => m.name === '0014-referrals-by-contact')!;

/** 12 supporters over two campaigns: codes for most, a recruiter for some, a page for a few. */
const ROWS = Array.from({ length: 12 }, (_, i) => {
  const campaign = i % 2 === 0 ? 'camp-a' : 'camp-b';
  const code = i % 4 === 3 ? 'NULL' : `'C${String(i).padStart(2, '0')}X7'`;
  const recruiter = i >= 4 && i % 2 === 0 ? `'s${i - 2}'` : 'NULL';
  const page = i % 5 === 0 ? `'tok${i}'` : 'NULL';
  return `INSERT INTO referrals (campaign_id, contact_id, code, recruited_by, recruited_at, page_token, goal, show_name, noticed_at, created_at, updated_at)
    VALUES ('${campaign}', 's${i}', ${code}, ${recruiter}, ${recruiter === 'NULL' ? 'NULL' : `'${AT}'`}, ${page}, ${i % 3 === 0 ? i : 'NULL'}, ${i % 2}, NULL, '${AT}', '${AT}')`;
});
const ALL = 'SELECT * FROM referrals ORDER BY contact_id, campaign_id';
const UPSERT = `INSERT INTO referrals (campaign_id, contact_id, code, created_at, updated_at) VALUES ('camp-a', 's3', 'NEW9X', '${AT}', '${AT}')
  ON CONFLICT (campaign_id, contact_id) DO UPDATE SET code = coalesce(referrals.code, excluded.code)`;

test('SQLite: keyed by contact, rowids kept; rows, uniqueness, the upsert and the lookups hold', () => {
  const { file, raw } = sqliteAt(BEFORE, ROWS, AT);
  const before = raw.prepare(ALL).all();
  const rowids = raw.prepare('SELECT rowid, contact_id, campaign_id FROM referrals ORDER BY rowid').all();
  expect(before).toHaveLength(12);
  raw.close();

  const db = openSqliteDb(`sqlite:${file}`); // the start-up applier runs 0014
  try {
    const s = db.sqlite;
    expect((s.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'referrals'").get() as { sql: string }).sql).toMatch(
      /PRIMARY KEY \(contact_id, campaign_id\)\s*\)$/,
    );
    const indexes = (s.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'referrals' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toEqual(['referrals_code', 'referrals_page', 'referrals_recruiter', 'sqlite_autoindex_referrals_1']);
    expect(s.prepare(ALL).all()).toEqual(before);
    expect(s.prepare('SELECT rowid, contact_id, campaign_id FROM referrals ORDER BY rowid').all()).toEqual(rowids);

    // Still unique: a code per campaign, a page token anywhere; the same code in another campaign is fine.
    const insert = (campaign: string, contact: string, code: string | null, page: string | null) =>
      s.prepare('INSERT INTO referrals (campaign_id, contact_id, code, page_token, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(campaign, contact, code, page, AT, AT);
    expect(() => insert('camp-a', 's99', 'C00X7', null)).toThrow(/UNIQUE constraint failed: referrals.campaign_id, referrals.code/);
    expect(() => insert('camp-b', 's98', null, 'tok0')).toThrow(/UNIQUE constraint failed: referrals.page_token/);
    expect(() => insert('camp-a', 's0', null, null)).toThrow(/UNIQUE constraint failed: referrals.contact_id, referrals.campaign_id/);
    insert('camp-b', 's97', 'C00X7', null);

    // s3 is in camp-b, without a code: the upsert for camp-a makes a row; the one for camp-b fills the code once.
    s.prepare(UPSERT).run();
    s.prepare(UPSERT.replace("'camp-a'", "'camp-b'")).run();
    s.prepare(UPSERT.replace("'camp-a'", "'camp-b'").replace('NEW9X', 'LATE2')).run();
    expect(s.prepare("SELECT campaign_id, code FROM referrals WHERE contact_id = 's3' ORDER BY campaign_id").all()).toEqual([
      { campaign_id: 'camp-a', code: 'NEW9X' }, { campaign_id: 'camp-b', code: 'NEW9X' },
    ]);

    const plan = (q: string) => (s.prepare(`EXPLAIN QUERY PLAN ${q}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan("SELECT code FROM referrals WHERE contact_id = 's4'")).toMatch(/USING INDEX sqlite_autoindex_referrals_1 \(contact_id=\?\)/);
    expect(plan("SELECT code FROM referrals WHERE campaign_id = 'camp-a' AND contact_id = 's4'")).toMatch(/USING INDEX sqlite_autoindex_referrals_1 \(contact_id=\? AND campaign_id=\?\)/);
    expect(plan("SELECT contact_id FROM referrals WHERE campaign_id = 'camp-a' AND code = 'C04X7'")).toMatch(/USING (COVERING )?INDEX referrals_code/);
  } finally {
    db.close();
  }
});

describeWithPostgres('migration 0014 on PostgreSQL', () => {
  const { client, schema } = postgresSchemaForBlock('m0014');

  it('rebuilds the key in the new order, twice without harm; rows, uniqueness, the upsert and the lookup hold', async () => {
    const c = client();
    await runOn(c, [...BEFORE.map((m) => m.ddl('postgres')), ...ROWS.map((r) => `${r};`)]);
    const before = (await c.query(ALL)).rows;
    await runOn(c, [M0014.ddl('postgres'), M0014.ddl('postgres')]);
    const defs = (await c.query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'referrals' ORDER BY indexname", [schema])).rows;
    expect(defs.map((d: { indexname: string }) => d.indexname)).toEqual(['referrals_code', 'referrals_page', 'referrals_pkey', 'referrals_recruiter']);
    expect(defs.find((d: { indexname: string }) => d.indexname === 'referrals_pkey').indexdef).toMatch(/\(contact_id, campaign_id\)/);
    expect((await c.query(ALL)).rows).toEqual(before);

    await expect(c.query(`INSERT INTO referrals (campaign_id, contact_id, code, created_at, updated_at) VALUES ('camp-a', 's99', 'C00X7', '${AT}', '${AT}')`))
      .rejects.toThrow(/referrals_code/);
    await c.query(UPSERT);
    await c.query(UPSERT.replace("'camp-a'", "'camp-b'"));
    await c.query(UPSERT.replace("'camp-a'", "'camp-b'").replace('NEW9X', 'LATE2'));
    expect((await c.query("SELECT campaign_id, code FROM referrals WHERE contact_id = 's3' ORDER BY campaign_id")).rows).toEqual([
      { campaign_id: 'camp-a', code: 'NEW9X' }, { campaign_id: 'camp-b', code: 'NEW9X' },
    ]);

    await c.query('ANALYZE referrals');
    await c.query('SET enable_seqscan = off');
    const plan = (await c.query("EXPLAIN SELECT code FROM referrals WHERE contact_id = 's4'")).rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
    await c.query('RESET enable_seqscan');
    expect(plan).toMatch(/referrals_pkey/);
  });
});
