/**
 * The imports repository's staged seam: nothing outside the staging tables is written before the
 * commit point (and a discard leaves nothing), the chunks apply the import's rules against the
 * contacts as they are when each chunk runs, a chunk that fails is rolled back alone and the run
 * resumes where it stopped (each row applied once), and start-up discards uncommitted runs and
 * finishes committed ones.
 */
import { resumeImports } from '../../src/usecases/imports/staged-run';
import type { StageRow } from '../../src/store/imports/repository';
import { testApp, type TestApp } from '../helpers/app';
import { tableCounts } from '../helpers/imports';
import { addMember, demoCampaignId, insertContact } from '../helpers/people';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

const at = '2026-11-21T20:00:00.000Z';
const row = (n: number, fields: Partial<StageRow> = {}): StageRow => ({
  phone: `+1312555${String(n).padStart(4, '0')}`, first_name: `N${n}`, zip: null, email: null,
  new_id: `new-${String(n).padStart(5, '0')}`, consent_id: `consent-${String(n).padStart(5, '0')}`, ...fields,
});
const count = (table: string) => (t.ctx.db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

async function openRun(id: string, attested: boolean) {
  const campaign = demoCampaignId(t.ctx.db);
  await t.ctx.store.imports.open({
    importId: id, campaign: attested ? { id: campaign, sender: '62262' } : null, consent: attested ? 'attested' : 'none', source: 'api', filename: 'x.csv', at,
  });
  return campaign;
}

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

test('staged rows are applied by the rules against the contacts as they are when the chunk runs', async () => {
  const campaign = await openRun('imp-1', true);
  insertContact(t.ctx.db, { id: 'p', phone: row(1).phone, first_name: 'Pat', status: 'pending' });
  await t.ctx.store.imports.stage('imp-1', [row(1, { zip: '60601' }), row(2), row(3), row(4)]);
  await t.ctx.store.imports.stage('imp-1', [row(5)]);
  // Before the commit point nothing but the staging tables is written.
  const before = tableCounts(t.ctx.db);
  await t.ctx.store.imports.commit('imp-1', 5, '{"rows":5}');
  expect(tableCounts(t.ctx.db)).toEqual(before);
  // After staging, number 2 texted STOP and number 3 joined by text: the apply sees both.
  insertContact(t.ctx.db, { id: 'o', phone: row(2).phone, status: 'opted_out' });
  insertContact(t.ctx.db, { id: 'j', phone: row(3).phone, first_name: 'Jo', status: 'subscribed' });
  addMember(t.ctx.db, campaign, 'j', at);

  expect(await t.ctx.store.imports.applyNext('imp-1', 2)).toEqual({ applied: 2, remaining: 3, done: false });
  expect(count('contact_imports')).toBe(0);
  expect(await t.ctx.store.imports.applyNext('imp-1', 100)).toEqual({ applied: 3, remaining: 0, done: true });

  const contacts = t.ctx.db.sqlite.prepare('SELECT id, phone, first_name, zip, status FROM contacts ORDER BY phone').all();
  expect(contacts).toEqual([
    { id: 'p', phone: row(1).phone, first_name: 'Pat', zip: '60601', status: 'subscribed' },
    { id: 'o', phone: row(2).phone, first_name: null, zip: null, status: 'opted_out' },
    { id: 'j', phone: row(3).phone, first_name: 'Jo', zip: null, status: 'subscribed' },
    { id: 'new-00004', phone: row(4).phone, first_name: 'N4', zip: null, status: 'subscribed' },
    { id: 'new-00005', phone: row(5).phone, first_name: 'N5', zip: null, status: 'subscribed' },
  ]);
  const members = t.ctx.db.sqlite.prepare('SELECT contact_id, keyword FROM campaign_members WHERE campaign_id = ? ORDER BY contact_id').all(campaign);
  expect(members).toEqual([
    { contact_id: 'j', keyword: expect.not.stringMatching(/^IMPORT$/) },
    { contact_id: 'new-00004', keyword: 'IMPORT' },
    { contact_id: 'new-00005', keyword: 'IMPORT' },
    { contact_id: 'p', keyword: 'IMPORT' },
  ]);
  const consents = t.ctx.db.sqlite.prepare("SELECT id, contact_id, sender, campaign_id, via FROM consent_events WHERE via = 'import' ORDER BY id").all();
  expect(consents).toEqual([
    { id: 'consent-00001', contact_id: 'p', sender: '62262', campaign_id: campaign, via: 'import' },
    { id: 'consent-00004', contact_id: 'new-00004', sender: '62262', campaign_id: campaign, via: 'import' },
    { id: 'consent-00005', contact_id: 'new-00005', sender: '62262', campaign_id: campaign, via: 'import' },
  ]);
  expect(await t.ctx.store.imports.list(10)).toEqual([
    { id: 'imp-1', source: 'api', filename: 'x.csv', campaign_id: campaign, consent: 'attested', totals: '{"rows":5}', created_at: at },
  ]);
  expect([count('contact_import_runs'), count('contact_import_staging')]).toEqual([0, 0]);
});

test('before the commit point: a short or vanished run is refused, a discard leaves nothing, an uncommitted run is never applied', async () => {
  await openRun('imp-2', false);
  const before = tableCounts(t.ctx.db);
  await t.ctx.store.imports.stage('imp-2', [row(1), row(2), row(3)]);
  await expect(t.ctx.store.imports.applyNext('imp-2', 10)).rejects.toThrow('not committed');
  await expect(t.ctx.store.imports.commit('imp-2', 4, '{}')).rejects.toThrow('3 staged rows, expected 4');
  expect(await t.ctx.store.imports.discard('imp-2', 2)).toEqual({ done: false });
  expect(await t.ctx.store.imports.discard('imp-2', 2)).toEqual({ done: true });
  await expect(t.ctx.store.imports.stage('imp-2', [row(4)])).rejects.toThrow('not being staged');
  await expect(t.ctx.store.imports.commit('imp-2', 3, '{}')).rejects.toThrow('not being staged');
  expect(tableCounts(t.ctx.db)).toEqual(before);
  expect([count('contact_import_runs'), count('contact_import_staging')]).toEqual([0, 0]);
});

test('a chunk that fails is rolled back alone; the run resumes where it stopped and applies every row once', async () => {
  const campaign = await openRun('imp-3', true);
  await t.ctx.store.imports.stage('imp-3', Array.from({ length: 10 }, (_, i) => row(i)));
  await t.ctx.store.imports.commit('imp-3', 10, '{}');
  t.ctx.db.sqlite.exec(`CREATE TRIGGER fail_row_6 BEFORE INSERT ON contacts WHEN NEW.phone = '${row(6).phone}'
    BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;`);
  await t.ctx.store.imports.applyNext('imp-3', 4);
  // Matched by message: better-sqlite3's error class may come from another test file's realm.
  await expect(t.ctx.store.imports.applyNext('imp-3', 4)).rejects.toMatchObject({ message: 'disk on fire' });
  // Rows 0-3 are applied; nothing of the failed chunk (4-7) is.
  expect(count('contacts')).toBe(4);
  expect(count('campaign_members')).toBe(4);
  t.ctx.db.sqlite.exec('DROP TRIGGER fail_row_6');
  // As at the gateway's next start.
  expect(await resumeImports(t.ctx.store)).toEqual({ applied: ['imp-3'], discarded: [] });
  expect(count('contacts')).toBe(10);
  expect(t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM campaign_members WHERE campaign_id = ?').get(campaign)).toEqual({ n: 10 });
  expect(t.ctx.db.sqlite.prepare("SELECT count(*) AS n FROM consent_events WHERE via = 'import'").get()).toEqual({ n: 10 });
  expect(count('contact_imports')).toBe(1);
});

test('start-up discards the runs that never reached their commit point and finishes the committed ones', async () => {
  await openRun('staging-run', false);
  await t.ctx.store.imports.stage('staging-run', [row(1), row(2)]);
  await openRun('committed-run', false);
  await t.ctx.store.imports.stage('committed-run', [row(3), row(4)]);
  await t.ctx.store.imports.commit('committed-run', 2, '{}');
  expect(await resumeImports(t.ctx.store)).toEqual({ applied: ['committed-run'], discarded: ['staging-run'] });
  expect(t.ctx.db.sqlite.prepare('SELECT phone FROM contacts ORDER BY phone').all()).toEqual([{ phone: row(3).phone }, { phone: row(4).phone }]);
  expect([count('contact_import_runs'), count('contact_import_staging'), count('contact_imports')]).toEqual([0, 0, 1]);
});
