/**
 * Group commit: webhooks of one event-loop turn share a COMMIT, each in its own savepoint,
 * and nobody is told "done" before that COMMIT. Real SQLite file, a second connection reads
 * what is actually committed.
 */
import BetterSqlite3 from 'better-sqlite3';
import { toAppError } from '../../src/shared/errors';
import { openSqliteDb, type SqliteDb } from '../../src/store/sqlite/db';
import { tempDbFile } from '../helpers/app';

describe('group commit', () => {
  let store: SqliteDb;
  let file: string;
  let reader: BetterSqlite3.Database;
  const committed = () => (reader.prepare('SELECT key FROM probe ORDER BY key').all() as { key: string }[]).map((r) => r.key);
  const put = (key: string) => () => {
    store.sqlite.prepare('INSERT INTO probe (key) VALUES (?)').run(key);
    return key;
  };

  beforeEach(() => {
    file = tempDbFile();
    store = openSqliteDb(`sqlite:${file}`);
    store.sqlite.exec('CREATE TABLE probe (key TEXT PRIMARY KEY)');
    reader = new BetterSqlite3(file, { readonly: true });
  });
  afterEach(() => {
    reader.close();
    store.close();
  });

  test('writes of one turn commit together, and only then do their promises resolve', async () => {
    const order: string[] = [];
    const a = store.batched(put('a')).then((v) => order.push(`resolved ${v}`));
    const b = store.batched(put('b')).then((v) => order.push(`resolved ${v}`));
    // Both ran synchronously, but nothing is committed (another connection sees nothing) or resolved yet.
    expect(committed()).toEqual([]);
    await Promise.resolve();
    expect(order).toEqual([]);
    await Promise.all([a, b]);
    expect(order).toEqual(['resolved a', 'resolved b']);
    expect(committed()).toEqual(['a', 'b']);
  });

  test('a webhook that throws rolls back only its own writes; the rest of the batch commits', async () => {
    const ok = store.batched(put('kept'));
    const bad = store.batched(() => {
      put('half-written')();
      throw new Error('bug in the middle of a webhook');
    });
    await expect(bad).rejects.toThrow('bug in the middle');
    await expect(ok).resolves.toBe('kept');
    expect(committed()).toEqual(['kept']);
  });

  test('a failed COMMIT refuses every webhook of the batch and writes none of them', async () => {
    const a = store.batched(put('x'));
    const b = store.batched(put('y'));
    // Another connection holding the write lock at commit time is one way a COMMIT fails; here the
    // transaction is pulled away underneath the batch, as SQLite does itself on SQLITE_FULL/IOERR.
    store.sqlite.prepare('ROLLBACK').run();
    await expect(a).rejects.toThrow(/rolled back/);
    await expect(b).rejects.toThrow(/rolled back/);
    // Answered as "database unavailable" (503 + Retry-After), so Twilio's fallback URL takes over.
    expect(toAppError(await a.catch((e: unknown) => e)).status).toBe(503);
    expect(committed()).toEqual([]);
    // The next turn starts a fresh batch and works.
    await expect(store.batched(put('z'))).resolves.toBe('z');
    expect(committed()).toEqual(['z']);
  });

  test('store reads and transactions outside the hot path commit an open batch first', async () => {
    const p = store.batched(put('early'));
    expect(committed()).toEqual([]);
    store.tx(() => put('admin-change')());
    expect(committed()).toEqual(['admin-change', 'early']);
    await expect(p).resolves.toBe('early');
  });

  test('a full batch commits at once without waiting for the turn to end', async () => {
    const promises = Array.from({ length: 200 }, (_, i) => store.batched(put(`k${String(i).padStart(3, '0')}`)));
    expect(committed()).toHaveLength(200);
    await Promise.all(promises);
  });

  test('close() commits what is pending', async () => {
    const p = store.batched(put('last'));
    store.close();
    await expect(p).resolves.toBe('last');
    expect(committed()).toEqual(['last']);
  });
});
