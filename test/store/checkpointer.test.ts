/** WAL checkpoints run in a worker thread, off the event loop, and stop cleanly. */
import { once } from 'node:events';
import pino from 'pino';
import { BACKSTOP_PAGES, startCheckpointer } from '../../src/store/sqlite/checkpointer';
import { openSqliteDb } from '../../src/store/sqlite/db';
import { tempDbFile } from '../helpers/app';

test('a worker checkpoints the WAL while the main connection only writes, and hands back on stop', async () => {
  const store = openSqliteDb(`sqlite:${tempDbFile()}`);
  const cp = startCheckpointer(store, pino({ level: 'silent' }), 10)!;
  try {
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
    const checkpointed = once(cp, 'checkpoint');
    store.tx(() => {
      const put = store.sqlite.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
      for (let i = 0; i < 2000; i++) put.run(`k${i}`, 'x'.repeat(200));
    });
    const [{ checkpointed: frames }] = (await checkpointed) as [{ checkpointed: number }];
    expect(frames).toBeGreaterThan(0);
  } finally {
    await cp.stop();
  }
  expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  store.close();
});

test('no worker for an in-memory database', () => {
  const store = openSqliteDb('sqlite::memory:');
  expect(startCheckpointer(store, pino({ level: 'silent' }))).toBeNull();
  store.close();
});
