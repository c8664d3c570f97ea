/**
 * Bad input on the organizer API is a precise 4xx, never a 500: random JSON bodies, ids and
 * query strings against every admin route (real app, real SQLite), malformed percent-escapes in
 * path parameters, and absolute-form request lines over a raw socket; seeded so a failure replays.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import fc from 'fast-check';
import request from 'supertest';
import { ADMIN_TOKEN, VOLUNTEER_TOKEN, testApp, text, type TestApp } from '../helpers/app';
import { rawExchange } from '../helpers/raw-http';

let t: TestApp;
let campaignId: string;
let broadcastId: string;
let contactId: string;
let sequenceId: string;
const DATE_SEQUENCE = () => ({
  campaignId, name: 'Shift reminders', trigger: 'date', field: 'shift_date',
  steps: [{ after: '-P1D', hour: 18, template: 'Tomorrow, {{first_name|friend}}!' }, { after: 'P0D', template: 'Today! {{donation_link}}' }],
});
const ASK_SEQUENCE = () => ({
  campaignId, name: 'Ask', trigger: 'joined',
  steps: [{ after: 'PT1H', flow: { steps: [{ id: 'sat', prompt: 'Saturday, {{first_name|friend}}? YES or NO', capture: 'sat', validate: { type: 'yesno' }, reprompt: 'YES or NO?' }], completion: 'Thanks!' } }],
});
beforeAll(async () => {
  t = testApp();
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  campaignId = (await request(t.app).get('/api/campaigns').set(auth)).body.campaigns[0].id;
  const b = await request(t.app).post('/api/broadcasts').set(auth).send({ name: 'x', template: 'Hi', audience: { campaigns: [campaignId] } });
  expect(b.status).toBe(201);
  broadcastId = b.body.id;
  // A known number with an inbox thread (its second, unclaimed text).
  await text(t.app, '+13125550177', 'hello');
  await text(t.app, '+13125550177', 'where do I park?');
  contactId = (await request(t.app).get('/api/inbox').set(auth)).body.threads[0].contactId;
  const s = await request(t.app).post('/api/sequences').set(auth).send(DATE_SEQUENCE());
  expect(s.status).toBe(201);
  sequenceId = s.body.id;
});
afterAll(() => t.close());

const WRITES: [string, (id: string) => string][] = [
  ['post', () => '/api/campaigns'],
  ['put', (id) => `/api/campaigns/${id}`],
  ['put', (id) => `/api/campaigns/${id}/goal`],
  ['post', () => '/api/broadcasts'],
  ['post', () => '/api/broadcasts/preview'],
  ['patch', (id) => `/api/broadcasts/${id}`],
  ['post', (id) => `/api/broadcasts/${id}/schedule`],
  ['post', () => '/api/people/invites'],
  ['post', (id) => `/api/people/${id}/disable`],
  ['post', (id) => `/api/people/${id}/enable`],
  ['post', (id) => `/api/inbox/${id}/replies`],
  ['post', (id) => `/api/inbox/${id}/done`],
  ['post', (id) => `/api/inbox/${id}/reopen`],
  ['post', (id) => `/api/inbox/${id}/assign`],
  ['post', () => '/api/inbox/split'],
  ['post', () => '/api/canned-responses'],
  ['delete', (id) => `/api/canned-responses/${id}`],
  ['put', (id) => `/api/campaigns/${id}/auto-reply`],
  ['post', () => '/api/polls'],
  ['post', (id) => `/api/polls/${id}/open`],
  ['post', (id) => `/api/polls/${id}/close`],
  ['post', (id) => `/api/campaigns/${id}/ideas/open`],
  ['post', (id) => `/api/campaigns/${id}/ideas/close`],
  ['post', (id) => `/api/ideas/${id}/approve`],
  ['post', (id) => `/api/ideas/${id}/reject`],
  ['post', (id) => `/api/ideas/${id}/merge`],
  ['put', (id) => `/api/ideas/${id}`],
  ['post', () => '/api/sequences'],
  ['put', (id) => `/api/sequences/${id}`],
  ['delete', (id) => `/api/sequences/${id}`],
];
const READS = ['/api/campaigns/%', '/api/broadcasts/%', '/api/broadcasts/%/preview', '/api/broadcasts/%/recipients', '/api/exports/contacts.csv', '/api/exports/pledges.csv', '/api/exports/audit', '/api/imports',
  '/api/audit', '/api/people', '/api/inbox', '/api/inbox/%', '/api/inbox/next', '/api/canned-responses', '/api/campaigns/%/auto-reply',
  '/api/polls', '/api/polls/%', '/api/campaigns/%/ideas', '/api/exports/polls/%.csv', '/api/exports/ideas.csv',
  '/api/pledges/summary', '/api/sequences', '/api/sequences/%', '/api/campaigns/%/referrals'];

const id = fc.oneof(fc.constant('CAMPAIGN'), fc.constant('BROADCAST'), fc.constant('CONTACT'), fc.constant('SEQUENCE'), fc.string({ maxLength: 40 }).map(encodeURIComponent));
const resolveId = (x: string) =>
  x === 'CAMPAIGN' ? campaignId : x === 'BROADCAST' ? broadcastId : x === 'CONTACT' ? contactId : x === 'SEQUENCE' ? sequenceId : x || 'none';
const query = fc.dictionary(
  fc.constantFrom('campaign', 'campaignId', 'subscribed', 'pledged', 'since', 'until', 'status', 'limit', 'before', 'bom', 'all', 'assigned', 'peek', 'x'), fc.string({ maxLength: 20 }), { maxKeys: 4 },
);

test('random JSON bodies on every admin write route never give a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...WRITES), id, fc.jsonValue({ maxDepth: 4 }), async ([method, path], rawId, body) => {
      const res = await (request(t.app) as unknown as Record<string, (p: string) => request.Test>)[method]!(path(resolveId(rawId)))
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
      expect(res.status).toBeLessThan(500);
    }),
    { numRuns: 300, seed: 20261121 },
  );
});

test('random ids and query strings on every admin read route never give a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...READS), id, query, async (path, rawId, q) => {
      const res = await request(t.app).get(path.replace('%', resolveId(rawId))).query(q).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
      expect(res.status).toBeLessThan(500);
    }),
    { numRuns: 300, seed: 20261121 },
  );
});

/** Escapes decodeURIComponent refuses: a lone %, bad hex, truncated or invalid UTF-8, a surrogate. */
const badEscape = fc.constantFrom('%', '%Z', '%ZZ', '%zz', '%E0%A4%A', '%C3%28', '%ED%A0%80', '%FF', '%C0%AF', '%%', '%u0041', '%2');
const mangledId = fc
  .tuple(fc.string({ maxLength: 8 }), badEscape, fc.string({ maxLength: 8 }))
  .map(([a, bad, b]) => `${encodeURIComponent(a)}${bad}${encodeURIComponent(b)}`);
const EVERY_PATH = [...READS.filter((p) => p.includes('%')), ...WRITES.map(([, p]) => p('%')).filter((p) => p.includes('%')), '/api/campaigns/%/goal', '/api/exports/broadcasts/%.csv', '/campaigns/%', '/contacts/%', '/broadcasts/%', '/live/%', '/live/%/events', '/join/%', '/people/%/disable', '/audit', '/l/%',
  '/ideas/%', '/campaigns/%/votes', '/campaigns/%/votes/polls', '/campaigns/%/votes/polls/%/open', '/campaigns/%/votes/ideas/open', '/campaigns/%/votes/ideas/%/approve',
  '/campaigns/%/live', '/contacts/%/opt-out', '/inbox/%', '/inbox/%/reply', '/broadcasts/%/action', '/join/%', '/p/%'];
const credentials = fc.constantFrom<[string, string] | null>(['Authorization', `Bearer ${ADMIN_TOKEN}`], ['Authorization', `Bearer ${VOLUNTEER_TOKEN}`], null);

test('malformed percent-escapes in any path parameter, signed in or not, never give a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...EVERY_PATH), mangledId, fc.constantFrom('get', 'put', 'post', 'patch', 'delete'), credentials, async (path, bad, method, auth) => {
      let req = (request(t.app) as unknown as Record<string, (p: string) => request.Test>)[method]!(path.replace('%', bad));
      if (auth) req = req.set(auth[0], auth[1]);
      const res = await req.set('Content-Type', 'application/json').send('{}');
      // (A mangled id can still be a valid escape, "%" + "00": then any answer but a 5xx.)
      expect({ path: path.replace('%', bad), method, below500: res.status < 500 }).toEqual({ path: path.replace('%', bad), method, below500: true });
    }),
    { numRuns: 300, seed: 20261121 },
  );
  expect(t.logs.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
});

describe('absolute-form request lines (raw socket)', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer(t.app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  test('"GET http://host/api/…" on every route, with good and bad ids, never gives a 5xx', async () => {
    const host = fc.constantFrom('sms.rally.example', '127.0.0.1', 'evil.example:8443', '[::1]');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...EVERY_PATH), fc.oneof(id, mangledId), fc.constantFrom('GET', 'PUT', 'POST', 'PATCH', 'DELETE'), fc.constantFrom('http', 'https'), host,
        async (path, rawId, method, scheme, h) => {
          const target = `${scheme}://${h}${path.replace('%', resolveId(rawId))}`;
          const head = `${method} ${target} HTTP/1.1\r\nHost: ${h}\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n';
          const res = await rawExchange(port, head, '{}');
          expect({ target, method, ok: res.status >= 200 && res.status < 500 }).toEqual({ target, method, ok: true });
        },
      ),
      { numRuns: 150, seed: 20261121 },
    );
    expect(t.logs.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  });
});

/** Characters XML cannot carry, plus other controls: none may come back in what the API stored. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\p{Cs}]/u;
const CONTROL = fc.constantFrom(
  ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), '\u007f', '\u0085', '\ufffe', '\uffff', '\ud800', '\udfff', '\r\n',
);
const controlString = fc
  .array(fc.oneof(CONTROL, fc.string({ maxLength: 6 }), fc.constantFrom('JOIN', 'Team', '{{first_name}}', '2026-11-21', '62262')), { maxLength: 12 })
  .map((parts) => parts.join(''));

/** Every string leaf of `value`, replaced by the next control string where `swap` says so. */
function withControls(value: unknown, strings: string[], swap: boolean[], at = { i: 0 }): unknown {
  if (typeof value === 'string') {
    const i = at.i++ % strings.length;
    return swap[i] ? strings[i] : value;
  }
  if (Array.isArray(value)) return value.map((v) => withControls(v, strings, swap, at));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withControls(v, strings, swap, at)]));
  return value;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

test('control characters in every string of real campaign and broadcast bodies: never a 5xx, never stored', async () => {
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  const campaign = (await request(t.app).get(`/api/campaigns/${campaignId}`).set(auth)).body;
  const { id: _id, active: _a, createdAt: _c, updatedAt: _u, ...campaignBody } = campaign;
  const broadcastBody = {
    name: 'Thanks', template: 'Thanks {{first_name|friend}}! {{program}}', footer: true, sendAt: '2027-01-01T15:00:00Z',
    audience: { campaigns: [campaignId], keywords: ['JOIN'], zipPrefix: '606', state: 'IL', joinedAfter: '2026-11-01', joinedBefore: '2026-12-01T00:00:00Z' },
  };
  const targets: [string, () => string, object][] = [
    ['post', () => '/api/campaigns', { ...campaignBody, keywords: [{ word: 'FUZZ', aliases: ['FUZZY'] }] }],
    ['put', () => `/api/campaigns/${campaignId}`, campaignBody],
    ['post', () => '/api/broadcasts', broadcastBody],
    ['post', () => '/api/broadcasts/preview', broadcastBody],
    // Issue 14's follow-up: a broadcast's own donation link, sequences timed from a date field, steps that ask.
    ['post', () => '/api/broadcasts', { ...broadcastBody, template: 'Give: {{donation_link|https://rally.example/give}}' }],
    ['post', () => '/api/broadcasts/preview', { ...broadcastBody, template: 'Give: {{donation_link}}' }],
    ['post', () => '/api/sequences', DATE_SEQUENCE()],
    ['post', () => '/api/sequences', ASK_SEQUENCE()],
    ['put', () => `/api/sequences/${sequenceId}`, DATE_SEQUENCE()],
    ['patch', () => `/api/broadcasts/${broadcastId}`, broadcastBody],
    ['post', () => '/api/canned-responses', { title: 'Parking', body: 'Hi {{first_name|friend}}, park on Elm St. {{program}}' }],
    ['put', () => `/api/campaigns/${campaignId}/auto-reply`, { enabled: true, text: '{{program}}: Got it! Reply STOP to cancel.' }],
    ['post', () => `/api/inbox/${contactId}/replies`, { body: 'Park on Elm St, see you there' }],
  ];
  const swaps = fc.array(fc.boolean(), { minLength: 40, maxLength: 40 });
  const texts = fc.array(controlString, { minLength: 40, maxLength: 40 });
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...targets), texts, swaps, async ([method, path, body], s, swap) => {
      const res = await (request(t.app) as unknown as Record<string, (p: string) => request.Test>)[method]!(path())
        .set(auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(withControls(body, s, swap)));
      expect(res.status).toBeLessThan(500);
      if (res.status < 300) expect(strings(res.body).filter((x) => NOT_XML.test(x))).toEqual([]);
    }),
    { numRuns: 300, seed: 20261122 },
  );
  // Nor did any reach the database.
  const stored = t.ctx.db.sqlite
    .prepare(
      'SELECT name || program_name || frequency || support_contact || coalesce(help_text, \'\') || flow AS t FROM campaigns UNION ALL SELECT name || template FROM broadcasts ' +
        'UNION ALL SELECT name || steps || coalesce(date_field, \'\') FROM sequences ' +
        'UNION ALL SELECT title || body FROM canned_responses UNION ALL SELECT coalesce(body, \'\') FROM campaign_auto_replies UNION ALL SELECT body FROM outbound_messages',
    )
    .all() as { t: string }[];
  expect(stored.filter((r) => NOT_XML.test(r.t) || /\\u00[01][0-9a-f]|\\uff[ef]|\\ud[89ab]/i.test(r.t))).toEqual([]);
});

test('control characters in ids and query strings of every admin read route: never a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...READS), controlString, fc.dictionary(fc.constantFrom('campaign', 'since', 'until', 'status', 'limit', 'before', 'all'), controlString, { maxKeys: 3 }), async (path, rawId, q) => {
      const res = await request(t.app).get(path.replace('%', encodeURIComponent(rawId.replace(/[\ud800-\udfff]/g, '')) || 'none')).query(q).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
      expect(res.status).toBeLessThan(500);
    }),
    { numRuns: 200, seed: 20261122 },
  );
});

test('sequence bodies with the new parts mutated (date trigger, field, signed offsets, hours, flows that ask): never a 5xx', async () => {
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  const step = fc.record(
    {
      after: fc.oneof(fc.constantFrom('P1D', '-P1D', 'P0D', '+PT2H', '-P1M', 'PT0S', '-', 'P', '--P1D', 'P1Y2M3W4DT5H6M7.5S', '-P121M'), fc.string({ maxLength: 12 })),
      hour: fc.oneof(fc.integer({ min: -5, max: 30 }), fc.double(), fc.constant('9' as unknown as number)),
      template: fc.constantFrom('Hi {{first_name}}', '{{donation_link}}', '{{nope}}', '', 'x'.repeat(1500)),
      flow: fc.oneof(fc.constant(ASK_SEQUENCE().steps[0]!.flow), fc.jsonValue({ maxDepth: 3 })),
      repeat: fc.constantFrom('monthly', 'yearly'),
    },
    { requiredKeys: [] },
  );
  const body = fc.record(
    {
      campaignId: fc.constantFrom(campaignId, 'nope'),
      name: fc.constantFrom('x', ''),
      trigger: fc.constantFrom('joined', 'completed', 'pledged', 'date', 'birthday'),
      field: fc.oneof(fc.constantFrom('shift_date', 'email', 'constructor', '__proto__', 'Bad Name'), fc.string({ maxLength: 45 })),
      steps: fc.array(step, { maxLength: 3 }),
      active: fc.boolean(),
    },
    { requiredKeys: ['campaignId', 'name', 'trigger', 'steps'] },
  );
  await fc.assert(
    fc.asyncProperty(body, fc.boolean(), async (b, put) => {
      const res = put
        ? await request(t.app).put(`/api/sequences/${sequenceId}`).set(auth).send(b)
        : await request(t.app).post('/api/sequences').set(auth).send(b);
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) expect(res.body.error.code).toMatch(/validation_failed|not_found|bad_request/);
    }),
    { numRuns: 300, seed: 20261207 },
  );
  // The fixture sequence still reads back (a PUT that failed changed nothing).
  expect((await request(t.app).get(`/api/sequences/${sequenceId}`).set(auth)).status).toBe(200);
});
