/**
 * A live screen's open event stream must not hold the gateway's SIGTERM drain open: the hub ends
 * the streams, the server closes, and the process exits 0 (not the 10-second forced exit 1).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite/store';
import { twilioReceiptPolicy } from '../../src/twilio/receipt-codes';
import { ensureDisplay } from '../../src/usecases/live/screens';
import { ADMIN_TOKEN } from '../helpers/app';
import { startGateway } from '../helpers/child';
import { SseClient } from '../helpers/sse';

test('SIGTERM with a live screen connected drains and exits 0', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rallytext-live-stop-'));
  const db = `sqlite:${path.join(dir, 'gw.db')}`;
  const gw = await startGateway({ DATABASE_URL: db, ADMIN_TOKEN, LOG_LEVEL: 'info' });
  try {
    const store = openSqliteStore(db, { receiptPolicy: twilioReceiptPolicy });
    const id = (store.db.sqlite.prepare('SELECT id FROM campaigns').get() as { id: string }).id;
    const token = (await ensureDisplay(store, id, new Date())).token;
    await store.close();
    const { client, status } = await SseClient.open(`${gw.url}/live/${token}/events`);
    expect(status).toBe(200);
    await client.waitFor(() => true);
    const started = Date.now();
    const exited = await gw.stop('SIGTERM');
    expect(exited.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(9_000);
    await client.waitClosed();
    expect(exited.output).toContain('"msg":"stopped"');
  } finally {
    await gw.stop('SIGKILL');
  }
});
