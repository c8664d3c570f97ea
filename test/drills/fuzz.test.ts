/**
 * Drill: webhook fuzzing against the real gateway process (the front door and express behind it).
 * Thousands of random, truncated, oversized, wrongly encoded and wrongly signed bodies: never a
 * 5xx, never a crash, nothing stored, and a genuine conversation works perfectly afterwards.
 * Then the request line itself: malformed percent-escapes in the target and absolute-form targets
 * ("POST http://host/twilio/sms HTTP/1.1") on both webhooks, over raw sockets.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { twiml } from 'twilio';
import { encodeForm, inboundParams, twimlMessages } from '../../src/twilio/rehearse';
import { signTwilioRequest } from '../../src/twilio/signature';
import { ADMIN_TOKEN, AUTH_TOKEN, PUBLIC_BASE_URL, tempDbFile } from '../helpers/app';
import { postSms } from '../helpers/crowd';
import { gatewayEnv, startGateway, type GatewayProcess } from '../helpers/gateway-process';
import { rawExchange, rawPost, type RawRequest } from '../helpers/raw-http';

jest.setTimeout(120_000);

const FORM = 'application/x-www-form-urlencoded';
const URL_SIGNED = `${PUBLIC_BASE_URL}/twilio/sms`;
const sid = (n: number) => `SM${n.toString(16).padStart(32, '0')}`;
const genuine = (n: number, body = 'JOIN', phone = n) => inboundParams(`+1312${3_000_000 + phone}`, '62262', body, { MessageSid: sid(n) });
const sign = (params: Record<string, string>, token = AUTH_TOKEN) => signTwilioRequest(token, URL_SIGNED, params);

/** Every kind of bad webhook, none of which may be stored. */
const badRequest: fc.Arbitrary<RawRequest> = fc.oneof(
  // Random bytes and random text, random or no signature.
  fc.tuple(fc.uint8Array({ maxLength: 2000 }), fc.option(fc.base64String({ maxLength: 40 }))).map(([bytes, signature]): RawRequest => ({
    headers: { 'content-type': FORM, ...(signature === null ? {} : { 'x-twilio-signature': signature }) },
    body: Buffer.from(bytes),
  })),
  fc.string({ unit: 'binary', maxLength: 3000 }).map((s) => ({ headers: { 'content-type': FORM, 'x-twilio-signature': 'x' }, body: Buffer.from(s) })),
  // A genuine webhook, truncated, with a flipped byte, or an extra parameter: the signature no longer matches.
  fc.tuple(fc.nat(), fc.nat({ max: 600 }), fc.constantFrom('truncate', 'flip', 'extra', 'wrong-token', 'other-url')).map(([n, at, how]) => {
    const params = genuine(n % 1000);
    const body = Buffer.from(encodeForm(params));
    let signature = sign(params);
    let out = body;
    if (how === 'truncate') out = body.subarray(0, Math.min(at, body.length - 1));
    if (how === 'flip') {
      out = Buffer.from(body);
      out[at % out.length] = out[at % out.length]! ^ 0x01;
    }
    if (how === 'extra') out = Buffer.concat([body, Buffer.from('&Body=STOP')]);
    if (how === 'wrong-token') signature = sign(params, 'not-the-auth-token-0000000');
    if (how === 'other-url') signature = signTwilioRequest(AUTH_TOKEN, 'https://evil.example/twilio/sms', params);
    return { headers: { 'content-type': FORM, 'x-twilio-signature': signature }, body: out };
  }),
  // Wrongly encoded: broken percent escapes, invalid UTF-8, latin1, compressed-but-not-really, unknown encodings.
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom('%', '%zz', '%E0%A4%A', '%C3%28', '\xff\xfe', '%00', '+%2B+', '&&&&', '=&=&='),
      fc.constantFrom('plain', 'latin1', 'gzip-garbage', 'gzip-real', 'br', 'deflate-garbage', 'utf16', 'charset-junk'),
    )
    .map(([n, junk, how]) => {
      const text = `Body=${junk}&${encodeForm(genuine(n % 1000))}`;
      const base = { 'content-type': FORM, 'x-twilio-signature': sign(genuine(n % 1000)) };
      if (how === 'latin1') return { headers: { ...base, 'content-type': `${FORM}; charset=latin1` }, body: Buffer.from(text, 'latin1') };
      if (how === 'gzip-garbage') return { headers: { ...base, 'content-encoding': 'gzip' }, body: Buffer.from(text) };
      if (how === 'gzip-real') return { headers: { ...base, 'content-encoding': 'gzip' }, body: zlib.gzipSync(text) };
      if (how === 'br') return { headers: { ...base, 'content-encoding': 'br' }, body: Buffer.from(text) };
      if (how === 'deflate-garbage') return { headers: { ...base, 'content-encoding': 'deflate' }, body: Buffer.from(text) };
      if (how === 'utf16') return { headers: { ...base, 'content-type': `${FORM}; charset=utf-16` }, body: Buffer.from(text, 'utf16le') };
      if (how === 'charset-junk') return { headers: { ...base, 'content-type': `${FORM}; charset="` }, body: Buffer.from(text) };
      return { headers: base, body: Buffer.from(text, 'binary') };
    }),
  // Not a form at all, or no content type.
  fc.tuple(fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x', 'text/xml', ''), fc.string({ maxLength: 200 })).map(([type, s]): RawRequest => ({
    headers: type ? { 'content-type': type, 'x-twilio-signature': 'x' } : { 'x-twilio-signature': 'x' },
    body: Buffer.from(s),
  })),
  // Properly signed, but not a valid inbound SMS: missing or bad fields, a body over 1600 characters.
  fc.tuple(fc.nat(), fc.constantFrom('no-from', 'bad-sid', 'long-body', 'no-body', 'array-from', 'no-to')).map(([n, how]) => {
    const p: Record<string, string> = genuine(n % 1000);
    if (how === 'no-from') delete p.From;
    if (how === 'no-to') delete p.To;
    if (how === 'no-body') delete p.Body;
    if (how === 'bad-sid') p.MessageSid = 'SM-not-a-sid';
    if (how === 'long-body') p.Body = 'x'.repeat(1601);
    let body = encodeForm(p);
    if (how === 'array-from') body += `&From=${encodeURIComponent('+13125550199')}`;
    const parsed = how === 'array-from' ? { ...p, From: [p.From!, '+13125550199'] } : p;
    return { headers: { 'content-type': FORM, 'x-twilio-signature': sign(parsed as Record<string, string>) }, body: Buffer.from(body) };
  }),
);

/** Bodies over the 100 KB limit. */
const oversized = fc.integer({ min: 100 * 1024 + 1, max: 400 * 1024 }).map((size) => ({
  headers: { 'content-type': FORM, 'x-twilio-signature': 'x' },
  body: Buffer.alloc(size, 'a=b&'),
}));

describe('webhook fuzzing against the running gateway', () => {
  let gw: GatewayProcess;
  let file: string;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  beforeAll(async () => {
    file = tempDbFile();
    gw = await startGateway(gatewayEnv(file));
  });
  afterAll(async () => {
    agent.destroy();
    gw.kill('SIGTERM');
    await gw.exited;
  });

  test('thousands of bad webhooks: never a 5xx, never a crash, nothing stored; then a real conversation works', async () => {
    const statuses = new Map<number, number>();
    const check = async (r: RawRequest) => {
      const reply = await rawPost(gw.port, r, agent);
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expect(reply.status).toBeLessThan(500);
    };
    await fc.assert(fc.asyncProperty(badRequest, check), { numRuns: 3000, seed: 20261121 });
    await fc.assert(fc.asyncProperty(oversized, check), { numRuns: 25, seed: 7 });

    expect(gw.child.exitCode).toBeNull();
    // The bad requests met every refusal the gateway has, not just one.
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 403, 413, 415]));

    const db = new BetterSqlite3(file, { readonly: true });
    try {
      for (const table of ['inbound_messages', 'contacts', 'outbound_messages', 'consent_events', 'conversations']) {
        expect({ table, rows: (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n }).toEqual({ table, rows: 0 });
      }
    } finally {
      db.close();
    }

    const base = gw.baseUrl;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await postSms(base, genuine(5000, 'JOIN', 9))).replies[0]).toContain("What's your first name?");
    expect((await postSms(base, genuine(5001, 'Ana', 9))).replies).toEqual(['Thanks, Ana! What is your 5-digit ZIP code?']);
  });
});

describe('malformed and absolute-form request targets on both webhooks (raw sockets)', () => {
  // A public URL with a port: PUBLIC_BASE_URL + an absolute target is then not even a parseable URL.
  const base = 'https://sms.rally.example:8443';
  let gw: GatewayProcess;
  let file: string;
  const count = (table: string) => {
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    file = tempDbFile();
    gw = await startGateway(gatewayEnv(file, { PUBLIC_BASE_URL: base, LOG_LEVEL: 'debug' }));
  });
  afterAll(async () => {
    gw.kill('SIGTERM');
    await gw.exited;
  });

  test('never a 5xx, never a crash, nothing stored, no error logged; then a real text works', async () => {
    const bad = fc.constantFrom('%', '%Z', '%ZZ', '%E0%A4%A', '%C3%28', '%ED%A0%80', '%FF', '%%');
    const host = fc.constantFrom('sms.rally.example', 'sms.rally.example:8443', '127.0.0.1', 'evil.example', '[::1]:80');
    const target = fc.oneof(
      // Absolute form, with or without a (possibly broken) query.
      fc.tuple(fc.constantFrom('http', 'https', 'HTTP'), host, fc.option(bad)).map(([scheme, h, junk]) => (path: string) => `${scheme}://${h}${path}${junk === null ? '' : `?x=${junk}`}`),
      // Origin form with a broken escape in the query or in an extra path segment.
      fc.tuple(bad, fc.boolean()).map(([junk, inQuery]) => (path: string) => (inQuery ? `${path}?${junk}=${junk}` : `${path}/${junk}`)),
    );
    const before = count('inbound_messages');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/twilio/sms', '/twilio/status'), target, fc.nat(), fc.boolean(), async (path, form, n, signOverTarget) => {
        const params = path === '/twilio/sms' ? genuine(n % 1000) : { MessageSid: sid(n), MessageStatus: 'delivered', AccountSid: 'AC'.padEnd(34, '0') };
        const t = form(path);
        // Signed as Twilio signs the plain path (which this target is not), or over the odd target itself.
        const signature = signTwilioRequest(AUTH_TOKEN, signOverTarget && !t.startsWith('/') ? t : base + path, params);
        const body = encodeForm(params);
        const head = `POST ${t} HTTP/1.1\r\nHost: sms.rally.example\r\nContent-Type: ${FORM}\r\nX-Twilio-Signature: ${signature}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
        const reply = await rawExchange(gw.port, head, body);
        expect({ target: t, refused: reply.status >= 400 && reply.status < 500 }).toEqual({ target: t, refused: true });
      }),
      { numRuns: 400, seed: 20261121 },
    );
    expect(gw.child.exitCode).toBeNull();
    expect(count('inbound_messages')).toBe(before);
    expect(gw.output().split('\n').filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
    const params = genuine(7000, 'JOIN', 70);
    const body = encodeForm(params);
    const ok = await rawExchange(
      gw.port,
      `POST /twilio/sms HTTP/1.1\r\nHost: x\r\nContent-Type: ${FORM}\r\nX-Twilio-Signature: ${signTwilioRequest(AUTH_TOKEN, `${base}/twilio/sms`, params)}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`,
      body,
    );
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("What's your first name?");
  });
});

/** Characters XML 1.0 cannot carry: none may appear in a TwiML reply, whatever a supporter texts. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\p{Cs}]/u;
const CONTROL = fc.constantFrom(
  ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), '\u007f', '\u0085', '\u009b', '\ufffe', '\uffff', '\r\n', '\r', '\u2028', '\ufeff',
);
/** A Body mixing control characters into ordinary text (a lone surrogate cannot travel as UTF-8). */
const controlBody = fc
  .array(fc.oneof(CONTROL, fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('Ana', ' ', 'STOP', '60601', '$10', 'a@b.co')), { minLength: 1, maxLength: 40 })
  .map((parts) => parts.join('').slice(0, 1600));

describe('control characters in Body against the running gateway', () => {
  let gw: GatewayProcess;
  let file: string;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  beforeAll(async () => {
    file = tempDbFile();
    gw = await startGateway(gatewayEnv(file));
    // A campaign that echoes a free-text answer back, the way the issue found the defect.
    const res = await fetch(`${gw.baseUrl}/api/campaigns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({
        name: 'Echo', programName: 'Echo Team', sender: '62262', supportContact: 'help@example.org', keywords: [{ word: 'ECHO' }],
        flow: { steps: [{ id: 'note', prompt: 'Say something', capture: 'note', validate: { type: 'text', maxLength: 500 }, reprompt: 'Say it again' }], completion: 'You said: {{note|nothing}}' },
      }),
    });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    agent.destroy();
    gw.kill('SIGTERM');
    await gw.exited;
  });

  test('every reply is 200 and well-formed TwiML (what twilio\'s own builder makes of it), in and out of a flow', async () => {
    let n = 100_000;
    const post = async (params: Record<string, string>) => {
      const reply = await rawPost(gw.port, { headers: { 'content-type': FORM, 'x-twilio-signature': sign(params) }, body: Buffer.from(encodeForm(params)) }, agent);
      expect(reply.status).toBe(200);
      expect(reply.body).not.toMatch(NOT_XML);
      const r = new twiml.MessagingResponse();
      for (const m of twimlMessages(reply.body)) r.message(m);
      expect(reply.body).toBe(r.toString());
      return reply;
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('ECHO', 'JOIN', null), controlBody, async (keyword, body) => {
        const phone = ++n;
        if (keyword) await post(genuine(phone, keyword, phone));
        await post(genuine(phone + 500_000, body, phone));
      }),
      { numRuns: 400, seed: 20261122 },
    );
    expect(gw.child.exitCode).toBeNull();
    // Nothing XML cannot carry was stored either: not the inbound text, not a capture, not a reply.
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      const texts = db.prepare("SELECT body AS t FROM inbound_messages UNION ALL SELECT body FROM outbound_messages UNION ALL SELECT fields FROM contacts UNION ALL SELECT coalesce(first_name, '') FROM contacts").all() as { t: string }[];
      expect(texts.length).toBeGreaterThan(800);
      expect(texts.filter((r) => NOT_XML.test(r.t))).toEqual([]);
    } finally {
      db.close();
    }
  });
});
