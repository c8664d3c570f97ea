/** GET /api/exports/pledges.csv: one row per pledge, in dollars, with contact and campaign, filtered. */
import { DEMO_CAMPAIGN } from '../../src/usecases/campaigns/seed';
import { ADMIN_TOKEN, admin, testApp, text, type TestApp } from '../helpers/app';
import { download, readCsv } from '../helpers/csv';
import { signUp } from '../helpers/people';

let t: TestApp;
let hallId: string;

async function pledges(query = '') {
  const d = await download(t.app, `/api/exports/pledges.csv${query}`, ADMIN_TOKEN);
  if (d.status !== 200) throw new Error(`export answered ${d.status}: ${d.text}`);
  return { ...d, ...readCsv(d.text) };
}

beforeAll(async () => {
  t = testApp();
  hallId = (await admin(t.app).post('/api/campaigns', { ...DEMO_CAMPAIGN, name: 'Town Hall', keywords: [{ word: 'HALL', aliases: [] }] })).body.id;
  await signUp(t.app, '+13125550100', { name: 'Ana', pledge: '$10/mo', email: 'ana@example.org' });
  t.clock.set('2026-11-22T12:00:00.000Z');
  await signUp(t.app, '+13125550100', { name: 'Ana', pledge: '1,250.5' }, 'HALL');
  await signUp(t.app, '+13125550101', { name: 'Zoë', pledge: '7' });
  t.clock.set('2026-11-23T12:00:00.000Z');
  await signUp(t.app, '+13125550102', { name: 'Cy', pledge: '3' });
  await text(t.app, '+13125550102', 'STOP');
});
afterAll(() => t.close());

test('one row per pledge, oldest first, amounts in dollars with cents', async () => {
  const { header, rows } = await pledges();
  expect(header).toEqual(['phone', 'first_name', 'zip', 'email', 'campaign', 'pledge_amount', 'pledge_frequency', 'pledged_at', 'status', 'paid_total', 'last_paid_at', 'clicks', 'contact_status']);
  expect(rows).toEqual([
    { phone: '+13125550100', first_name: 'Ana', zip: '60601', email: 'ana@example.org', campaign: 'Demo rally', pledge_amount: '10.00', pledge_frequency: 'monthly', pledged_at: '2026-11-21T20:00:00.000Z', status: 'pledged', paid_total: '0.00', last_paid_at: '', clicks: '0', contact_status: 'subscribed' },
    { phone: '+13125550100', first_name: 'Ana', zip: '60601', email: 'ana@example.org', campaign: 'Town Hall', pledge_amount: '1250.50', pledge_frequency: 'monthly', pledged_at: '2026-11-22T12:00:00.000Z', status: 'pledged', paid_total: '0.00', last_paid_at: '', clicks: '0', contact_status: 'subscribed' },
    { phone: '+13125550101', first_name: 'Zoë', zip: '60601', email: '', campaign: 'Demo rally', pledge_amount: '7.00', pledge_frequency: 'monthly', pledged_at: '2026-11-22T12:00:00.000Z', status: 'pledged', paid_total: '0.00', last_paid_at: '', clicks: '0', contact_status: 'subscribed' },
  ]);
});

test('filters: campaign, since/until on the pledge time, opted-out pledges only on request', async () => {
  expect((await pledges(`?campaign=${hallId}`)).rows.map((r) => r.pledge_amount)).toEqual(['1250.50']);
  expect((await pledges('?since=2026-11-22')).rows.map((r) => r.pledge_amount)).toEqual(['1250.50', '7.00']);
  expect((await pledges('?until=2026-11-21')).rows.map((r) => r.pledge_amount)).toEqual(['10.00']);
  const all = await pledges('?include_opted_out=1');
  expect(all.rows.map((r) => [r.pledge_amount, r.contact_status])).toContainEqual(['3.00', 'opted_out']);
  expect(all.headers['content-disposition']).toBe('attachment; filename="rallytext-pledges-2026-11-23.csv"');
});

test('the contacts export filters are checked per export: pledged is not a pledges filter', async () => {
  const d = await download(t.app, '/api/exports/pledges.csv?pledged=1', ADMIN_TOKEN);
  expect(d.status).toBe(400);
  expect(JSON.stringify(d.json)).toContain('campaign, subscribed, since, until, include_opted_out, bom');
});
