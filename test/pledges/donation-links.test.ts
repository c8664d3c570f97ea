/**
 * Issue 14, donation links and reconciliation, through the real listener: a pledge gets a unique
 * reference, the completion carries the tracked donation link, /l/<code> counts the click and
 * answers 302 to the campaign's donation URL with the pledge's values; the donations webhook
 * (HTTP Basic) and the contributions CSV (dry run, all or nothing) reconcile pledges; the summary
 * and the pledges export show pledged against paid.
 */
import request from 'supertest';
import { admin, ADMIN_TOKEN, PUBLIC_BASE_URL, TEST_ENGINE, testApp, text, type TestApp } from '../helpers/app';

const GIVE = {
  name: 'Monthly givers', programName: 'Rally Alerts', sender: '62262', keywords: [{ word: 'GIVE' }], supportContact: 'help@rally.example',
  donationUrl: 'https://secure.actblue.com/donate/rally?amount={{pledge_amount}}&recurring=true&refcode={{pledge_ref}}&email={{email}}',
  flow: {
    steps: [
      { id: 'name', prompt: 'Your first name?', capture: 'first_name', validate: { type: 'name' }, reprompt: 'Just your first name?' },
      { id: 'pledge', prompt: 'How much a month?', capture: 'pledge', validate: { type: 'money' }, reprompt: 'An amount like 10?', skippable: true },
      { id: 'email', prompt: 'Email?', capture: 'email', validate: { type: 'email' }, reprompt: 'An email?', skippable: true },
    ],
    completion: 'Thanks {{first_name}}! Give your {{pledge}} here: {{donation_link}}',
  },
};

const USER = 'actblue';
const PASSWORD = 'webhook-password-123';
let t: TestApp;
let campaignId: string;

beforeEach(async () => {
  t = testApp({ DONATIONS_WEBHOOK_USER: USER, DONATIONS_WEBHOOK_PASSWORD: PASSWORD });
  const res = await admin(t.app).post('/api/campaigns', GIVE);
  expect(res.status).toBe(201);
  campaignId = res.body.id;
});
afterEach(() => t.close());

const LINK = new RegExp(`${PUBLIC_BASE_URL.replace(/[.]/g, '\\.')}/l/([A-Za-z0-9]+)`);

async function pledge(phone: string, name: string, amount: string, email = 'SKIP'): Promise<string> {
  await text(t.app, phone, 'GIVE');
  await text(t.app, phone, name);
  await text(t.app, phone, amount);
  const [done] = await text(t.app, phone, email);
  const m = LINK.exec(done ?? '');
  if (!m) throw new Error(`no link in ${done}`);
  return m[1]!;
}

const db = () => t.ctx.db.sqlite;
const pledgeRow = (phone: string) =>
  db().prepare('SELECT p.* FROM pledges p JOIN contacts c ON c.id = p.contact_id WHERE c.phone = ?').get(phone) as { id: string; ref: string; status: string };

function webhook(body: unknown, auth: string | null = `${USER}:${PASSWORD}`) {
  const r = request(t.app).post('/webhooks/donations').set('Content-Type', 'application/json');
  if (auth !== null) r.set('Authorization', `Basic ${Buffer.from(auth).toString('base64')}`);
  return r.send(JSON.stringify(body));
}

function importCsv(csv: string, query = '') {
  return request(t.app).post(`/api/imports/donations${query}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).set('Content-Type', 'text/csv').send(csv);
}

const summary = async () => (await admin(t.app).get(`/api/pledges/summary?campaignId=${campaignId}`)).body;

test('the completion carries a tracked link; following it counts the click and redirects to the donation form with the pledge', async () => {
  const code = await pledge('+13125550140', 'Ana', '$10', 'ana+rally@example.org');
  const p = pledgeRow('+13125550140');
  expect(p.ref).toMatch(/^rt[a-z0-9]+$/);
  expect(p.status).toBe('link_sent');

  const res = await request(t.app).get(`/l/${code}`);
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe(
    `https://secure.actblue.com/donate/rally?amount=10&recurring=true&refcode=${p.ref}&email=ana%2Brally%40example.org`,
  );
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  await request(t.app).get(`/l/${code}`);
  const link = db().prepare('SELECT clicks, contact_id, pledge_id FROM tracked_links WHERE code = ?').get(code) as Record<string, unknown>;
  expect(link).toEqual({ clicks: 2, contact_id: expect.any(String), pledge_id: p.id });
  expect(pledgeRow('+13125550140').status).toBe('clicked');
  // Nothing about the visitor is kept: the table has no column for it.
  const columns = (db().prepare(TEST_ENGINE === 'postgres'
    ? "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'tracked_links' AND table_schema = current_schema()"
    : "SELECT name FROM pragma_table_info('tracked_links')").all() as { name: string }[]).map((c) => c.name);
  expect(columns).toContain('clicks');
  expect(columns.some((c) => /ip|agent|referer|address/i.test(c))).toBe(false);

  expect((await request(t.app).get('/l/doesnotexist')).status).toBe(404);
  expect((await request(t.app).get('/l/bad%20code!')).status).toBe(404);
});

test('every pledge gets its own reference and link', async () => {
  const a = await pledge('+13125550141', 'Ben', '5');
  const b = await pledge('+13125550142', 'Cy', '7');
  expect(a).not.toBe(b);
  expect(pledgeRow('+13125550141').ref).not.toBe(pledgeRow('+13125550142').ref);
});

test('a donation URL that is not https or names an unknown field is a 400 by path', async () => {
  for (const donationUrl of ['http://actblue.com/x?a={{pledge_amount}}', 'https://actblue.com/x?a={{phone}}', 'not a url']) {
    const res = await admin(t.app).post('/api/campaigns', { ...GIVE, keywords: [{ word: 'GIFT' }], donationUrl });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('donationUrl');
  }
});

test('the webhook: Basic auth or 401 with nothing stored; refcode match, idempotent delivery, refunds; the summary', async () => {
  await pledge('+13125550143', 'Dee', '10');
  const p = pledgeRow('+13125550143');
  const body = { contributionId: 'AB100', amount: '10.00', refcode: p.ref, paidAt: '2026-11-22T10:00:00Z' };

  expect((await webhook(body, null)).status).toBe(401);
  expect((await webhook(body, `${USER}:wrong-password-xx`)).status).toBe(401);
  expect(db().prepare('SELECT count(*) AS n FROM donations').get()).toEqual({ n: 0 });

  const first = await webhook(body);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ outcome: 'paid', matchedBy: 'refcode', pledgeId: p.id });
  expect((await webhook(body)).body).toEqual({ outcome: 'duplicate' });
  expect(pledgeRow('+13125550143').status).toBe('paid');
  expect(await summary()).toMatchObject({ pledgedCents: 1000, paidCents: 1000, byStatus: { paid: 1, pledged: 0, link_sent: 0 } });

  // ActBlue's own JSON, matched by the donor's phone this time; then a refund of it.
  const actblue = {
    donor: { firstname: 'Dee', email: 'dee@example.org', phone: '(312) 555-0143' },
    contribution: { createdAt: '2026-11-23T10:00:00-05:00', orderNumber: 'AB-ORDER-2', refcode: null },
    lineitems: [{ lineitemId: 98765, amount: '5.00', paidAt: '2026-11-23T10:00:01-05:00' }],
  };
  expect((await webhook(actblue)).body).toMatchObject({ outcome: 'paid', matchedBy: 'phone' });
  expect((await summary()).paidCents).toBe(1500);
  const refund = await webhook({ contributionId: 'AB100', amount: '-10.00', refcode: p.ref });
  expect(refund.body).toMatchObject({ outcome: 'refunded' });
  expect((await summary()).paidCents).toBe(500);
  // ActBlue's refund webhook as integrations receive it: the nested refcodes, event_type "refund",
  // a positive amount: a refund of that line item's payment, matched by the pledge's refcode.
  const paidByRef = {
    donor: { firstname: 'Dee', email: 'other@example.org' },
    contribution: { createdAt: '2026-11-24T09:00:00-05:00', orderNumber: 'AB-ORDER-3', refcodes: { refcode: p.ref, refcode2: 'sms' } },
    lineitems: [{ lineitemId: 98766, entityId: 12345, amount: '7.00', paidAt: '2026-11-24T09:00:01-05:00' }],
  };
  expect((await webhook(paidByRef)).body).toMatchObject({ outcome: 'paid', matchedBy: 'refcode', pledgeId: p.id });
  expect((await summary()).paidCents).toBe(1200);
  expect((await webhook({ ...paidByRef, event_type: 'refund', lineitems: [{ ...paidByRef.lineitems[0], lineitemId: 98767 }] })).body).toMatchObject({ outcome: 'refunded' });
  expect((await summary()).paidCents).toBe(500);

  expect((await webhook({ amount: 'ten' })).status).toBe(400);
  expect((await webhook({ contributionId: 'X1', amount: '3', refcode: 'nobody' })).body).toEqual({ outcome: 'unmatched' });
});

test('the contributions CSV: ActBlue columns, a dry run per row, all or nothing, duplicates idempotent', async () => {
  await pledge('+13125550144', 'Eve', '25', 'eve@example.org');
  await pledge('+13125550145', 'Fay', '8');
  const eve = pledgeRow('+13125550144');
  const header = 'Receipt ID,Date,Amount,Recurring Total Months,Reference Code,Donor First Name,Donor Email,Donor Phone,Lineitem ID,Refund ID,Refund Date,Fee';
  const good = [
    header,
    `AB1,2026-11-22 09:00:00,$25.00,,${eve.ref},Eve,eve@example.org,,L1,,,1.00`,
    'AB2,2026-11-22 09:05:00,8,,,Fay,,312-555-0145,L2,,,0.30',
    'AB3,11/22/2026,"1,000.00",,,Nobody,nobody@example.org,,L3,,,3.00',
    `AB1,2026-11-22 09:00:00,$25.00,,${eve.ref},Eve,eve@example.org,,L1,,,1.00`,
    `AB4,2026-11-22 09:00:00,(5.00),,${eve.ref},Eve,eve@example.org,,L4,R4,2026-11-24 10:00:00,`,
  ].join('\n');

  const dry = await importCsv(good, '?dry_run=1');
  expect(dry.status).toBe(200);
  expect(dry.body.rows.map((r: { outcome: string; matchedBy?: string }) => [r.outcome, r.matchedBy ?? null])).toEqual([
    ['paid', 'refcode'], ['paid', 'phone'], ['unmatched', null], ['duplicate', null], ['refunded', 'refcode'],
  ]);
  expect(dry.body.ignoredColumns).toEqual(expect.arrayContaining(['Recurring Total Months', 'Donor First Name', 'Fee', 'Receipt ID']));
  expect(db().prepare('SELECT count(*) AS n FROM donations').get()).toEqual({ n: 0 });

  // One bad row: nothing is applied, and the answer says which row and why.
  const bad = `${good}\nAB5,someday,abc,,,,,,L5,,,`;
  const refused = await importCsv(bad);
  expect(refused.status).toBe(400);
  expect(JSON.stringify(refused.body)).toContain('line 7');
  expect(db().prepare('SELECT count(*) AS n FROM donations').get()).toEqual({ n: 0 });

  const applied = await importCsv(good);
  expect(applied.status).toBe(200);
  expect(applied.body.totals).toMatchObject({ paid: 2, refunded: 1, unmatched: 1, duplicate: 1, paidCents: 3300, refundedCents: 500 });
  expect((await importCsv(good)).body.totals).toMatchObject({ duplicate: 5, paid: 0 });
  expect(await summary()).toMatchObject({ pledgedCents: 3300, paidCents: 2800, byStatus: { paid: 2 } });

  expect((await importCsv('Name,Phone\nAna,3125550100')).status).toBe(400);
});

test('the pledges export gains status, paid_total, last_paid_at and clicks', async () => {
  const code = await pledge('+13125550146', 'Gus', '12');
  await request(t.app).get(`/l/${code}`);
  await webhook({ contributionId: 'G1', amount: 12, phone: '+13125550146', paidAt: '2026-11-21T21:00:00Z' });
  await pledge('+13125550147', 'Hal', '4');
  const res = await request(t.app).get(`/api/exports/pledges.csv?campaign=${campaignId}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  const lines = res.text.trim().split(/\r?\n/);
  expect(lines[0]).toBe('phone,first_name,zip,email,campaign,pledge_amount,pledge_frequency,pledged_at,status,paid_total,last_paid_at,clicks,contact_status');
  expect(lines[1]).toContain(',paid,12.00,2026-11-21T21:00:00.000Z,1,subscribed');
  expect(lines[2]).toContain(',link_sent,0.00,,0,subscribed');
  // Two months on with no payment, the monthly pledge has lapsed.
  t.clock.set('2027-01-15T12:00:00Z');
  const later = await request(t.app).get(`/api/exports/pledges.csv?campaign=${campaignId}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  expect(later.text.split(/\r?\n/)[1]).toContain(',lapsed,12.00,');
  expect((await summary()).byStatus).toMatchObject({ lapsed: 1, link_sent: 1 });
});
