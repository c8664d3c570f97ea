/**
 * GET /api/exports/broadcasts/:id.csv, the delivery report. Broadcasts are built on another
 * branch; this test creates the two tables in the shape the report is written against when the
 * schema does not have them yet (after the merge the real tables are used and the CREATE is a
 * no-op). Without broadcast tables the route answers a clear 404.
 */
import { ADMIN_TOKEN, VOLUNTEER_TOKEN, testApp, text, type TestApp } from '../helpers/app';
import { download, readCsv } from '../helpers/csv';
import { insertContact, signUp } from '../helpers/people';
import type { Store } from '../../src/store/open';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

function hasTable(store: Store, name: string): boolean {
  return store.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function createBroadcastTablesIfMissing(store: Store): void {
  store.sqlite.exec(`
    CREATE TABLE IF NOT EXISTS broadcasts (id TEXT PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS broadcast_recipients (
      broadcast_id TEXT NOT NULL, contact_id TEXT NOT NULL, status TEXT NOT NULL, twilio_sid TEXT, error_code INTEGER,
      UNIQUE (broadcast_id, contact_id));`);
}

function contactId(store: Store, phone: string): string {
  return (store.sqlite.prepare('SELECT id FROM contacts WHERE phone = ?').get(phone) as { id: string }).id;
}

test('404 with a clear message when this build has no broadcasts, or the broadcast is unknown', async () => {
  const d = await download(t.app, '/api/exports/broadcasts/b-missing.csv', ADMIN_TOKEN);
  expect(d.status).toBe(404);
  const message = (d.json as { error: { message: string } }).error.message;
  if (hasTable(t.ctx.store, 'broadcasts')) expect(message).toBe('broadcast b-missing not found');
  else expect(message).toBe('broadcast delivery reports are not available: this gateway has no broadcasts yet');
  expect((await download(t.app, '/api/exports/broadcasts/b-missing.csv', VOLUNTEER_TOKEN)).status).toBe(404);
});

test('one row per recipient with delivery status, Twilio error explained, filters and scope', async () => {
  createBroadcastTablesIfMissing(t.ctx.store);
  await signUp(t.app, '+13125550100', { name: 'Ana' });
  await signUp(t.app, '+13125550101', { name: 'Ben' });
  await text(t.app, '+13125550102', 'JOIN');
  await text(t.app, '+13125550102', 'STOP');
  insertContact(t.ctx.store, { id: 'tess', phone: '+13125550199', first_name: 'Tess', is_test: 1 });
  const db = t.ctx.store.sqlite;
  db.prepare("INSERT INTO broadcasts (id, name) VALUES ('b1', 'Rally reminder')").run();
  db.prepare("INSERT INTO broadcasts (id, name) VALUES ('b2', 'Other')").run();
  const add = db.prepare('INSERT INTO broadcast_recipients (broadcast_id, contact_id, status, twilio_sid, error_code) VALUES (?, ?, ?, ?, ?)');
  add.run('b1', contactId(t.ctx.store, '+13125550100'), 'delivered', 'SM' + 'a'.repeat(32), null);
  add.run('b1', contactId(t.ctx.store, '+13125550101'), 'undelivered', 'SM' + 'b'.repeat(32), 30007);
  add.run('b1', contactId(t.ctx.store, '+13125550102'), 'failed', null, 21610);
  add.run('b1', 'tess', 'delivered', null, null);
  add.run('b2', contactId(t.ctx.store, '+13125550100'), 'delivered', null, null);

  const d = await download(t.app, '/api/exports/broadcasts/b1.csv', VOLUNTEER_TOKEN);
  expect(d.status).toBe(200);
  expect(d.headers['content-disposition']).toBe('attachment; filename="rallytext-broadcast-rally-reminder-2026-11-21.csv"');
  const { header, rows } = readCsv(d.text);
  expect(header).toEqual(['phone', 'first_name', 'zip', 'delivery_status', 'error_code', 'error', 'twilio_sid', 'status_updated_at']);
  expect(rows.map((r) => [r.phone, r.delivery_status, r.error_code, r.error])).toEqual([
    ['+13125550100', 'delivered', '', ''],
    ['+13125550101', 'undelivered', '30007', 'filtered by the carrier'],
  ]);

  const organizer = readCsv((await download(t.app, '/api/exports/broadcasts/b1.csv?include_opted_out=1', ADMIN_TOKEN)).text);
  expect(organizer.rows.map((r) => [r.phone, r.error])).toContainEqual(['+13125550102', 'recipient had replied STOP']);
  const failed = readCsv((await download(t.app, '/api/exports/broadcasts/b1.csv?status=undelivered', ADMIN_TOKEN)).text);
  expect(failed.rows.map((r) => r.phone)).toEqual(['+13125550101']);
  expect((await download(t.app, '/api/exports/broadcasts/b3.csv', ADMIN_TOKEN)).status).toBe(404);
});
