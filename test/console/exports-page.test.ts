/**
 * The exports page: a volunteer sees only it; each form is checked with the exports API's own
 * filter parser (problems next to the field); a valid form redirects to the streaming CSV, which
 * leaves out rehearsal test numbers and opted-out people, and is recorded in the audit.
 */
import { VOLUNTEER_TOKEN, testApp, text, type TestApp } from '../helpers/app';
import { browser, signIn } from '../helpers/console';

let t: TestApp;
beforeEach(async () => {
  t = testApp();
  for (const body of ['JOIN', 'Amy', '60601', '10', 'SKIP']) await text(t.app, '+13125550100', body);
  await text(t.app, '+13125550101', 'JOIN');
  await text(t.app, '+13125550102', 'JOIN');
  await text(t.app, '+13125550102', 'STOP');
  t.ctx.db.sqlite.prepare("UPDATE contacts SET is_test = 1 WHERE phone = '+13125550101'").run();
});
afterEach(() => t.close());

it('a volunteer lands on exports, sees only the inbox and exports in the menu and no opted-out option', async () => {
  const s = await signIn(t.app, VOLUNTEER_TOKEN);
  const page = await browser(t.app, s).get('/exports');
  expect(page.status).toBe(200);
  const nav = /<nav aria-label="Console">([\s\S]*?)<\/nav>/.exec(page.text)![1]!;
  expect([...nav.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1])).toEqual(['/inbox', '/exports']);
  expect(page.text).not.toContain('include_opted_out');
  expect(page.text).toContain('<label for="contacts-since">');
  expect(page.text).not.toContain('Recent exports');
});

it('one click downloads the CSV through the API, without test numbers or opted-out people', async () => {
  const s = await signIn(t.app, VOLUNTEER_TOKEN);
  const go = await browser(t.app, s).get('/exports/download?kind=contacts&campaign=&since=&until=');
  expect(go.status).toBe(303);
  expect(go.headers.location).toBe('/api/exports/contacts.csv');
  const csv = await browser(t.app, s).get(go.headers.location!);
  expect(csv.status).toBe(200);
  expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="rallytext-contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
  expect(csv.text).toContain('+13125550100');
  expect(csv.text).not.toContain('+13125550101');
  expect(csv.text).not.toContain('+13125550102');
  const audit = t.ctx.db.sqlite.prepare('SELECT role, export FROM export_audit').all();
  expect(audit).toEqual([{ role: 'volunteer', export: 'contacts' }]);
});

it('filters pass through; problems are shown next to the field', async () => {
  const s = await signIn(t.app);
  const campaignId = (t.ctx.db.sqlite.prepare('SELECT id FROM campaigns').get() as { id: string }).id;
  const ok = await browser(t.app, s).get(`/exports/download?kind=pledges&campaign=${campaignId}&since=2026-11-01&until=&subscribed=1&bom=1`);
  expect(ok.headers.location).toBe(`/api/exports/pledges.csv?campaign=${campaignId}&since=2026-11-01&subscribed=1&bom=1`);
  const csv = await browser(t.app, s).get(ok.headers.location!);
  expect(csv.text.charCodeAt(0)).toBe(0xfeff);
  expect(csv.text).toContain('10.00');

  const bad = await browser(t.app, s).get('/exports/download?kind=contacts&since=2026-11-31&until=');
  expect(bad.status).toBe(400);
  expect(bad.text).toMatch(/<p class="error" id="contacts-since-error"><span class="visually-hidden">Error: <\/span>must be a date/);
  expect(bad.text).toContain('id="contacts-since" name="since" value="2026-11-31" aria-invalid="true"');
  const unknown = await browser(t.app, s).get('/exports/download?kind=contacts&campaign=nope');
  expect(unknown.status).toBe(400);
  expect(unknown.text).toContain('id="contacts-campaign-error"');
});

it('a volunteer asking for opted-out people is refused on the page and by the API', async () => {
  const s = await signIn(t.app, VOLUNTEER_TOKEN);
  const page = await browser(t.app, s).get('/exports/download?kind=contacts&include_opted_out=1');
  expect(page.status).toBe(400);
  expect(page.text).toContain('only organizers may export opted-out people');
  expect((await browser(t.app, s).get('/api/exports/contacts.csv?include_opted_out=1')).status).toBe(403);
});

it('organizers see the audit of recent exports', async () => {
  const v = await signIn(t.app, VOLUNTEER_TOKEN);
  await browser(t.app, v).get('/api/exports/contacts.csv');
  const s = await signIn(t.app);
  const page = await browser(t.app, s).get('/exports');
  expect(page.text).toContain('Recent exports');
  expect(page.text).toMatch(/<td>contacts<\/td><td>volunteer<\/td>/);
  expect(page.text).toContain('include_opted_out');
});
