/**
 * The hot path's statement batching on PostgreSQL (src/store/postgres/batch.ts): values written
 * into the SQL come back exactly as given (quotes, backslashes, dollar signs, placeholders-lookalikes,
 * emoji, 1,600 characters), a NUL is refused as the server refuses it, writes sent later are seen by
 * the read they travel with, and a failing batched write fails its transaction with nothing kept.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { inline } from '../../src/store/postgres/batch';
import { PgDb } from '../../src/store/postgres/db';
import { migrateToLatest } from '../../src/store/migrations';
import { param, query } from '../../src/store/query';
import { get, write, type Work } from '../../src/store/work';
import { describeWithPostgres, postgresUrl } from '../helpers/postgres';

describe('inline', () => {
  it('quotes every value as an untyped literal, NULL for null, and refuses NUL', () => {
    expect(inline('SELECT $1, $2, $10, $3', ['a', 5, null, 'x', 'x', 'x', 'x', 'x', 'x', "it's"])).toBe("SELECT 'a', '5', 'it''s', NULL");
    expect(inline('SELECT $1', ['back\\slash'])).toBe("SELECT  E'back\\\\slash'");
    expect(() => inline('SELECT $1', ['a\u0000b'])).toThrow(expect.objectContaining({ code: '22021' }));
  });
});

const SETTING = query<{ value: string }, { key: string }>((k) => k.selectFrom('settings').select('value').where('key', '=', param<string>('key')));
const PUT = query<unknown, { key: string; value: string }>((k) => k.insertInto('settings').values({ key: param('key'), value: param('value') }));

describeWithPostgres('batched statements on PostgreSQL', () => {
  const schema = `rallytext_batch_${process.pid}`;
  let admin: Client;
  let db: PgDb;

  beforeAll(async () => {
    admin = new Client({ connectionString: postgresUrl() });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    db = new PgDb(postgresUrl(), { schema, max: 2 });
    await migrateToLatest(db.db, 'postgres');
  });
  afterAll(async () => {
    await db?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  const NASTY = ["it's", 'back\\slash\\', "'; DROP TABLE settings; --", '$1 $2 $$ $x$', 'emoji 🎉 and ünïcödé', 'x'.repeat(1600), '', ' E\'\\\'', '\n\t\r'];

  it('values come back exactly; writes sent later are seen by the read they go with', async () => {
    const keys = NASTY.map(() => randomUUID());
    const got = await db.hot(function* (): Work<(string | undefined)[]> {
      const out: (string | undefined)[] = [];
      for (const [i, value] of NASTY.entries()) {
        yield* write(PUT, { key: keys[i]!, value });
        out.push((yield* get(SETTING, { key: keys[i]! }))?.value);
      }
      return out;
    });
    expect(got).toEqual(NASTY);
    const stored = await admin.query(`SELECT value FROM ${schema}.settings WHERE key = ANY($1) ORDER BY array_position($1, key)`, [keys]);
    expect(stored.rows.map((r) => r.value)).toEqual(NASTY);
  });

  it('a failing write sent with the commit fails the transaction, and nothing of it is kept', async () => {
    const key = randomUUID();
    await expect(
      db.hot(function* (): Work<void> {
        yield* write(PUT, { key, value: 'first' });
        yield* write(PUT, { key, value: 'again' }); // primary key: fails at the commit's round trip
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const stored = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.settings WHERE key = $1`, [key]);
    expect(stored.rows[0].n).toBe(0);
  });

  it('a NUL character is refused before anything is sent (as the server refuses it)', async () => {
    await expect(
      db.hot(function* (): Work<void> {
        yield* write(PUT, { key: randomUUID(), value: 'a\u0000b' });
      }),
    ).rejects.toMatchObject({ code: '22021' });
  });
});
