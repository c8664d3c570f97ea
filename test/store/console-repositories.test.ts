/**
 * The console's repositories on a real SQLite database, at the seams the HTTP tests cannot
 * reach: the seed's "only when empty", LIKE wildcards in searches taken literally, the admin
 * opt-out's three outcomes, and display links that keep or replace their token.
 */
import { parseCampaign, type CampaignSpec } from '../../src/core/campaign';
import { openSqliteStore } from '../../src/store/sqlite/store';
import { twilioReceiptPolicy } from '../../src/twilio/receipt-codes';
import { DEMO_CAMPAIGN } from '../../src/usecases/campaigns/seed';
import { insertContact } from '../helpers/people';

const store = openSqliteStore('sqlite::memory:', { receiptPolicy: twilioReceiptPolicy });
afterAll(() => store.close());
const now = new Date('2026-11-21T20:00:00.000Z');
const parsed = parseCampaign(DEMO_CAMPAIGN);
if (!parsed.ok) throw new Error('demo campaign invalid');
const spec: CampaignSpec = parsed.value;

test('createIfNone creates the seed campaign once and never beside existing campaigns', async () => {
  expect(await store.campaigns.createIfNone({ id: 'c1', spec, goalCents: 500, now })).toMatchObject({ id: 'c1', goalCents: 500, active: true });
  expect(await store.campaigns.createIfNone({ id: 'c2', spec, goalCents: 500, now })).toBeNull();
  expect((await store.campaigns.list(true)).map((c) => c.id)).toEqual(['c1']);
  expect(await store.campaigns.version()).toBe(`${now.toISOString()}#c1`);
});

test('searches take % and _ literally', async () => {
  insertContact(store.db, { id: 'k1', phone: '+13125550101', first_name: 'Ann' });
  insertContact(store.db, { id: 'k2', phone: '+13125550102', first_name: 'A_n', email: 'a%n@example.org' });
  const ids = async (s: Parameters<typeof store.contacts.search>[0]) => (await store.contacts.search(s, false, 50)).map((c) => c.id);
  expect(await ids({ by: 'name', text: 'A_' })).toEqual(['k2']);
  expect(await ids({ by: 'name', text: 'a%' })).toEqual(['k2']);
  expect(await ids({ by: 'name', text: 'an' })).toEqual(['k1']);
  expect(await ids({ by: 'phone', digits: '0101' })).toEqual(['k1']);
});

test('the admin opt-out changes a contact once, and says which case it met', async () => {
  insertContact(store.db, { id: 'k3', phone: '+13125550103' });
  expect(await store.contacts.optOutByAdmin('k3', 'e1', now)).toBe('opted_out');
  expect(await store.contacts.optOutByAdmin('k3', 'e2', now)).toBe('already_opted_out');
  expect(await store.contacts.optOutByAdmin('nobody', 'e3', now)).toBe('not_found');
  const events = store.db.sqlite.prepare("SELECT id, via FROM consent_events WHERE contact_id IN ('k3', 'nobody')").all();
  expect(events).toEqual([{ id: 'e1', via: 'admin' }]);
  expect((await store.contacts.record('k3'))?.contact).toMatchObject({ status: 'opted_out', optedOutAt: now.toISOString() });
});

test('a display link keeps its token until replaced; "tonight" settings keep it too', async () => {
  const first = await store.live.ensureDisplay('c1', 'token-aaaaaaaaaaaaaaaa', now);
  expect(await store.live.ensureDisplay('c1', 'token-bbbbbbbbbbbbbbbb', now)).toEqual(first);
  expect(await store.live.setCountingFrom('c1', now.toISOString(), 'token-cccccccccccccccc', now)).toEqual({ ...first, countingFrom: now.toISOString() });
  const replaced = await store.live.replaceToken('c1', 'token-dddddddddddddddd', now);
  expect(replaced).toEqual({ campaignId: 'c1', token: 'token-dddddddddddddddd', countingFrom: now.toISOString() });
  expect(await store.live.displayByToken(first.token)).toBeUndefined();
  expect(await store.live.stats('c1', now.toISOString())).toEqual({ joined: 0, completed: 0, pledgedCents: 0, paidCents: 0, goalCents: 500, since: now.toISOString() });
  expect(await store.live.stats('missing', now.toISOString())).toBeNull();
});
