/**
 * GET /api/exports/broadcasts/:id.csv, the delivery report. The broadcast is created through the
 * admin API (real audience snapshot on send); recipient outcomes are then set as delivery
 * receipts and send errors would leave them, to check how the report renders each one.
 */
import { ADMIN_TOKEN, VOLUNTEER_TOKEN, testApp, type TestApp } from '../helpers/app';
import { download, readCsv } from '../helpers/csv';
import { broadcastHarness, phone } from '../helpers/broadcast';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

test('404 with a clear message when the broadcast is unknown', async () => {
  const d = await download(t.app, '/api/exports/broadcasts/b-missing.csv', ADMIN_TOKEN);
  expect(d.status).toBe(404);
  expect((d.json as { error: { message: string } }).error.message).toBe('broadcast b-missing not found');
  expect((await download(t.app, '/api/exports/broadcasts/b-missing.csv', VOLUNTEER_TOKEN)).status).toBe(404);
});

test('one row per recipient with delivery status, Twilio error explained, filters and scope', async () => {
  // A real broadcast: snapshot on send, the dispatcher and the official client talking to the
  // loopback fake Twilio API, outcomes from the fake's REST answers and signed status callbacks.
  const h = await broadcastHarness();
  try {
    const ana = phone(100);
    const ben = phone(101);
    const cal = phone(102);
    h.addContact({ phone: ana, firstName: 'Ana' });
    h.addContact({ phone: ben, firstName: 'Ben' });
    h.addContact({ phone: cal, firstName: 'Cal' });
    h.fake.forNumber(cal, { error: 21610 });
    const b = await h.sendNow({ name: 'Rally reminder', template: 'See you Saturday', audience: { campaigns: [h.demoCampaignId] } });
    await h.dispatcher.runUntilIdle();
    await h.fake.postStatus(h.fake.messagesTo(ana)[0]!.sid, 'delivered');
    await h.fake.postStatus(h.fake.messagesTo(ben)[0]!.sid, 'undelivered', 30007);

    const d = await download(h.app, `/api/exports/broadcasts/${b.id}.csv`, VOLUNTEER_TOKEN);
    expect(d.status).toBe(200);
    expect(d.headers['content-disposition']).toMatch(/^attachment; filename="rallytext-broadcast-rally-reminder-\d{4}-\d{2}-\d{2}\.csv"$/);
    const { header, rows } = readCsv(d.text);
    expect(header).toEqual(['phone', 'first_name', 'zip', 'delivery_status', 'error_code', 'error', 'twilio_sid', 'status_updated_at']);
    // Cal answered STOP at the carrier (21610): opted out, so not in a volunteer's report.
    expect(rows.map((r) => [r.phone, r.first_name, r.delivery_status, r.error_code, r.error])).toEqual([
      [ana, 'Ana', 'delivered', '', ''],
      [ben, 'Ben', 'undelivered', '30007', 'filtered by the carrier'],
    ]);
    expect(rows.every((r) => /^SM[0-9a-f]{32}$/.test(r.twilio_sid!))).toBe(true);

    const organizer = readCsv((await download(h.app, `/api/exports/broadcasts/${b.id}.csv?include_opted_out=1`, ADMIN_TOKEN)).text);
    expect(organizer.rows.map((r) => [r.phone, r.delivery_status, r.error])).toContainEqual([cal, 'opted_out', 'recipient had replied STOP']);
    const failed = readCsv((await download(h.app, `/api/exports/broadcasts/${b.id}.csv?status=undelivered`, ADMIN_TOKEN)).text);
    expect(failed.rows.map((r) => r.phone)).toEqual([ben]);
  } finally {
    await h.shutdown();
  }
});
