/**
 * WAL checkpoints off the event loop.
 *
 * In WAL mode every commit appends pages to the -wal file; a checkpoint copies them back into
 * the database file and fsyncs both. SQLite runs it by default inside whichever COMMIT pushes the
 * WAL past 1000 pages, i.e. on the request path: a few milliseconds of I/O and two fsyncs every
 * few dozen webhooks. Here a worker thread with its own connection runs PASSIVE checkpoints
 * (they never block the writer) on a timer, and the main connection's automatic checkpoint is
 * raised to a backstop that only fires if the worker falls far behind or dies.
 */
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SqliteDb } from './db';

/** Pages the WAL may hold before the main connection checkpoints by itself (~40 MB). */
export const BACKSTOP_PAGES = 10_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
let lastError = '';
const timer = setInterval(() => {
  try {
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (r.checkpointed > 0) parentPort.postMessage({ checkpointed: r.checkpointed, log: r.log });
    lastError = '';
  } catch (err) {
    // Busy, read-only or full: the next tick tries again; report each new problem once.
    if (err.message !== lastError) parentPort.postMessage({ error: err.message, code: err.code });
    lastError = err.message;
  }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  try { db.close(); } catch {}
  parentPort.postMessage({ stopped: true });
});
`;

/** Emits 'checkpoint' ({ checkpointed, log } frames) after each checkpoint that moved pages. */
export interface Checkpointer extends EventEmitter {
  stop(): Promise<void>;
}

export function startCheckpointer(store: SqliteDb, logger: Logger, intervalMs = 100): Checkpointer | null {
  const file = store.sqlite.name;
  if (store.sqlite.memory || file === '' || file === ':memory:') return null;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, intervalMs, driver: require.resolve('better-sqlite3') },
  });
  worker.unref();
  store.sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  let stopped = false;
  const restoreDefault = () => {
    if (store.sqlite.open) store.sqlite.pragma('wal_autocheckpoint = 1000');
  };
  const events = new EventEmitter();
  worker.on('message', (m: { error?: string; code?: string; checkpointed?: number; log?: number }) => {
    if (m.error) logger.warn({ err: m.error, code: m.code }, 'background WAL checkpoint failed; will retry');
    if (m.checkpointed !== undefined) events.emit('checkpoint', { checkpointed: m.checkpointed, log: m.log });
  });
  worker.on('error', (err) => {
    logger.error({ err: err.message }, 'checkpoint worker died; the database checkpoints inline again');
    restoreDefault();
  });
  return Object.assign(events, {
    stop: () =>
      new Promise<void>((resolve) => {
        if (stopped) return resolve();
        stopped = true;
        const done = () => {
          restoreDefault();
          resolve();
        };
        worker.once('exit', done);
        worker.on('message', (m: { stopped?: boolean }) => {
          if (m.stopped) void worker.terminate();
        });
        worker.postMessage('stop');
        setTimeout(() => void worker.terminate(), 2000).unref();
      }),
  });
}
