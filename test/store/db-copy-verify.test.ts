/**
 * The copy's verification can fail: a target that loses one row, or changes one value, on the way
 * in is caught by the count or the checksum before the commit, and the target keeps nothing.
 * (Both engines end to end: test/store/postgres-db-copy.test.ts.)
 */
import BetterSqlite3 from 'better-sqlite3';
import { copyDatabase, type CopyEndpoint } from '../../src/store/copy/copy';
import { MIGRATIONS } from '../../src/store/migrations';
import { SqliteCopyEndpoint } from '../../src/store/sqlite/copy-endpoint';
import { tempDbFile, testApp, text } from '../helpers/app';

/** A SQLite database with five contacts (and their consent events, conversations, replies). */
async function source(): Promise<string> {
  const t = testApp({ DATABASE_URL: `sqlite:${tempDbFile()}` });
  for (let i = 0; i < 5; i++) await text(t.app, `+1312555010${i}`, 'JOIN');
  t.close();
  return t.config.databaseUrl.replace(/^sqlite:/, '');
}

/** A target endpoint that tampers with the rows of one table on the way in. */
function tampering(inner: CopyEndpoint, which: string, tamper: (rows: unknown[][]) => unknown[][]): CopyEndpoint {
  return Object.assign(Object.create(inner) as CopyEndpoint, {
    insert: (table: string, columns: string[], rows: unknown[][]) => inner.insert(table, columns, table === which ? tamper(rows) : rows),
  });
}

test.each([
  ['loses a row', 'consent_events', (rows: unknown[][]) => rows.slice(1), /consent_events: source 5 rows [0-9a-f]{16}, target 4 rows/],
  ['changes a value', 'contacts', (rows: unknown[][]) => rows.map((r, i) => (i === 0 ? r.map((v) => (v === 'subscribed' ? 'opted_out' : v)) : r)), /contacts: source 5 rows (\w+), target 5 rows (?!\1)/],
])('a target that %s (%s): refused before the commit, nothing kept', async (_what, table, tamper, message) => {
  const from = await source();
  const to = tempDbFile();
  const a = new SqliteCopyEndpoint(`sqlite:${from}`, 'source');
  const b = new SqliteCopyEndpoint(`sqlite:${to}`, 'target');
  try {
    await expect(copyDatabase(a, tampering(b, table, tamper), { force: false, expectedMigrations: MIGRATIONS.map((m) => m.name) })).rejects.toThrow(message);
  } finally {
    await a.close();
    await b.close();
  }
  const db = new BetterSqlite3(to, { readonly: true });
  expect((db.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n).toBe(0);
  db.close();
});
