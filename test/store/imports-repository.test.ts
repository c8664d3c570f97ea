/**
 * The imports repository's one-transaction seam: the use case's plan sees every number's state
 * as read inside the transaction, and a plan (or write) that fails leaves nothing written.
 */
import { testApp, type TestApp } from '../helpers/app';
import { tableCounts } from '../helpers/imports';
import { addMember, demoCampaignId, insertContact } from '../helpers/people';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

const at = '2026-11-21T20:00:00.000Z';
const record = (id: string) => ({ id, source: 'api' as const, filename: null, campaign_id: null, consent: 'none' as const, totals: '{}', created_at: at });

test('lookup reports each number in order: unknown as null, known with its membership of the campaign', async () => {
  const campaign = demoCampaignId(t.ctx.db);
  insertContact(t.ctx.db, { id: 'a', phone: '+13125550101', first_name: 'Ana' });
  insertContact(t.ctx.db, { id: 'b', phone: '+13125550102', status: 'opted_out' });
  addMember(t.ctx.db, campaign, 'a', at);
  const found = await t.ctx.store.imports.lookup(['+13125550102', '+13125550199', '+13125550101'], campaign);
  expect(found).toEqual([
    { id: 'b', status: 'opted_out', first_name: null, zip: null, email: null, member: false },
    null,
    { id: 'a', status: 'subscribed', first_name: 'Ana', zip: null, email: null, member: true },
  ]);
});

test('apply writes what the plan returns, filling only blank fields, in one go with its record', async () => {
  insertContact(t.ctx.db, { id: 'a', phone: '+13125550101', first_name: 'Ana', status: 'pending' });
  const seen: unknown[] = [];
  await t.ctx.store.imports.apply(['+13125550101', '+13125550150'], { campaign: null, at }, (existing) => {
    seen.push(...existing.map((e) => e?.id ?? null));
    return {
      created: [{ id: 'n1', phone: '+13125550150', first_name: 'Nu', zip: '60601', email: null, status: 'pending' }],
      updated: [{ id: 'a', status: 'subscribed', first_name: 'Other', zip: '60602', email: null }],
      joined: [], consents: [], record: record('imp-1'),
    };
  });
  expect(seen).toEqual(['a', null]);
  const rows = t.ctx.db.sqlite.prepare('SELECT id, first_name, zip, status FROM contacts WHERE id IN (?, ?) ORDER BY id').all('a', 'n1');
  expect(rows).toEqual([
    { id: 'a', first_name: 'Ana', zip: '60602', status: 'subscribed' },
    { id: 'n1', first_name: 'Nu', zip: '60601', status: 'pending' },
  ]);
  expect(tableCounts(t.ctx.db).contact_imports).toBe(1);
});

test('a plan that throws, or a write that fails halfway, leaves nothing written', async () => {
  const before = tableCounts(t.ctx.db);
  const failing = t.ctx.store.imports.apply(['+13125550150'], { campaign: null, at }, () => {
    throw new Error('plan failed');
  });
  await expect(failing).rejects.toThrow('plan failed');
  const duplicate = t.ctx.store.imports.apply(['+13125550150'], { campaign: null, at }, () => ({
    created: [
      { id: 'n1', phone: '+13125550150', first_name: null, zip: null, email: null, status: 'pending' },
      { id: 'n2', phone: '+13125550150', first_name: null, zip: null, email: null, status: 'pending' },
    ],
    updated: [], joined: [], consents: [], record: record('imp-2'),
  }));
  // Matched by code: better-sqlite3's error class may come from another test file's realm.
  await expect(duplicate).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
  expect(tableCounts(t.ctx.db)).toEqual(before);
});
