/**
 * The front door answers POST /twilio/sms exactly as the express route it replaced did: its own
 * lane for ordinary bodies, body-parser for the rest (gzip, charsets, chunked, oversized).
 * Two identical gateways (same clock, each its own database): one is a reference express route
 * (express.urlencoded, the old 415 check, then the same verification and use case), the other the
 * real front door. Every request, valid or hostile, goes to both; status, content type and body
 * must be identical.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import fc from 'fast-check';
import qs from 'qs';
import express, { type NextFunction, type Request, type Response } from 'express';
import { errorAnswer } from '../../src/http/error-response';
import { AppError } from '../../src/shared/errors';
import { TWILIO_FORM_LIMIT_BYTES, TWILIO_FORM_PARAMETER_LIMIT } from '../../src/twilio/form';
import { answerInboundSms } from '../../src/twilio/webhook';
import { encodeForm, inboundParams } from '../../src/twilio/rehearse';
import { checkSignature, signTwilioRequest, type FormParams } from '../../src/twilio/signature';
import { AUTH_TOKEN, PUBLIC_BASE_URL, testApp, type TestApp } from '../helpers/app';
import { rawPost, type RawRequest as Raw } from '../helpers/raw-http';

function listen(listener: http.RequestListener): Promise<http.Server> {
  return new Promise((resolve) => {
    const server = http.createServer(listener);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** The express route as it was before the front door: the reference the door must match. */
function expressRoute(t: TestApp): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const form = express.urlencoded({ extended: false, limit: TWILIO_FORM_LIMIT_BYTES, parameterLimit: TWILIO_FORM_PARAMETER_LIMIT });
  app.post('/twilio/sms', form, async (req: Request, res: Response) => {
    if (!req.is('application/x-www-form-urlencoded')) throw new AppError('unsupported_media_type', 'expected application/x-www-form-urlencoded');
    const params = (req.body ?? {}) as FormParams;
    checkSignature({ publicBaseUrl: PUBLIC_BASE_URL, authToken: AUTH_TOKEN }, req.originalUrl, req.get('X-Twilio-Signature'), params);
    const xml = await answerInboundSms(t.ctx.inbound, params);
    res.status(200).type('text/xml').send(xml);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = errorAnswer(t.ctx, err, req.method, req.path);
    res.set(e.headers).status(e.status).json(e.body);
  });
  return app;
}

const send = (server: http.Server, r: Raw) => rawPost((server.address() as AddressInfo).port, r);

/** What express.urlencoded would hand the route: the params Twilio's signature covers. */
function expressParse(body: string): FormParams {
  return qs.parse(body, { allowPrototypes: true, arrayLimit: 1000, depth: 0, parameterLimit: 1000, strictDepth: true }) as FormParams;
}

function signed(body: string, headers: Record<string, string> = {}): Raw {
  let signature = 'x';
  try {
    signature = signTwilioRequest(AUTH_TOKEN, `${PUBLIC_BASE_URL}/twilio/sms`, expressParse(body));
  } catch {
    // unparseable: left with a wrong signature
  }
  return { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, ...headers }, body: Buffer.from(body) };
}

const FORM = 'application/x-www-form-urlencoded';
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'a[b]', '[0]', 'a[]', '%5B%5D', 'a.b', '', '=', '&', '+', '%', '%zz', '%E0%A4%A', '😀', 'Body', 'From', 'MessageSid'),
);
const encodePart = (s: string, mode: number) => (mode === 0 ? encodeURIComponent(s) : mode === 1 ? encodeURIComponent(s).replace(/%20/g, '+') : s);

const requestArb: fc.Arbitrary<Raw> = fc.oneof(
  // A genuine webhook with extra, duplicated or odd parameters, signed over what express parses.
  fc
    .tuple(fc.array(fc.tuple(nasty, nasty, fc.integer({ min: 0, max: 2 })), { maxLength: 6 }), fc.string({ maxLength: 30 }), fc.boolean())
    .map(([extra, text, dup]) => {
      const base = encodeForm(inboundParams('+13125550142', '62262', text || 'JOIN', { MessageSid: `SM${'ab'.repeat(16)}` }));
      const tail = extra.map(([k, v, mode]) => `${encodePart(k, mode)}=${encodePart(v, mode)}`).join('&');
      return signed([base, tail, dup ? 'Body=again' : ''].filter(Boolean).join('&'));
    }),
  // Truncated or otherwise damaged bodies, signed as if whole, or not at all.
  fc.tuple(fc.nat({ max: 400 }), fc.boolean()).map(([cut, sign]) => {
    const whole = encodeForm(inboundParams('+13125550143', '62262', 'Hi, I am Ana', { MessageSid: `SM${'cd'.repeat(16)}` }));
    const r = signed(whole);
    return { ...r, headers: { ...r.headers, ...(sign ? {} : { 'x-twilio-signature': 'bm90IGEgc2lnbmF0dXJl' }) }, body: Buffer.from(whole.slice(0, cut)) };
  }),
  // Random bytes, random text: nothing like a webhook.
  fc.uint8Array({ maxLength: 300 }).map((b) => ({ headers: { 'content-type': FORM, 'x-twilio-signature': 'abc' }, body: Buffer.from(b) })),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => signed(s)),
  // Transport variations: other types and charsets, a byte-order mark, gzip, a query string, no signature.
  fc
    .tuple(
      fc.constantFrom(FORM, `${FORM}; charset=utf-8`, `${FORM}; charset="UTF-8"`, `${FORM}; charset=latin1`, `${FORM}; charset=iso-8859-1`, 'text/plain', 'application/json', `${FORM};`),
      fc.constantFrom('none', 'bom', 'gzip', 'query', 'unsigned'),
    )
    .map(([type, twist]) => {
      const body = encodeForm(inboundParams('+13125550144', '62262', 'JOIN', { MessageSid: `SM${'ef'.repeat(16)}` }));
      const r = signed(body, { 'content-type': type });
      if (twist === 'bom') return { ...r, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), r.body]) };
      if (twist === 'gzip') return { ...r, headers: { ...r.headers, 'content-encoding': 'gzip' }, body: zlib.gzipSync(r.body) };
      if (twist === 'query') return { ...r, path: '/twilio/sms?campaign=spring' };
      if (twist === 'unsigned') {
        const { ['x-twilio-signature']: _gone, ...headers } = r.headers;
        return { ...r, headers };
      }
      return r;
    }),
);

describe('the front door', () => {
  let a: TestApp;
  let b: TestApp;
  let expressOnly: http.Server;
  let door: http.Server;

  beforeAll(async () => {
    a = testApp();
    b = testApp();
    expressOnly = await listen(expressRoute(a));
    door = await listen(b.app);
  });
  afterAll(async () => {
    await new Promise((r) => expressOnly.close(r));
    await new Promise((r) => door.close(r));
    a.close();
    b.close();
  });

  test('answers every request exactly as the express route does', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const viaExpress = await send(expressOnly, r);
        const viaDoor = await send(door, r);
        expect(viaDoor).toEqual(viaExpress);
        expect(viaExpress.status).toBeLessThan(500);
      }),
      { numRuns: 400 },
    );
  });

  test('a whole conversation through the front door is the golden one', async () => {
    const replies: string[][] = [];
    for (const [i, text] of ['JOIN', 'Ana', '60601', '$10/mo', 'ana@example.org'].entries()) {
      const body = encodeForm(inboundParams('+13125550100', '62262', text, { MessageSid: `SM${String(i).padStart(32, '7')}` }));
      const res = await send(door, signed(body));
      expect(res.type).toBe('text/xml; charset=utf-8');
      replies.push([...res.body.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) => m[1]!));
    }
    // The share line carries Ana's own referral code (issue 13): ANA and two random symbols.
    expect(replies[4]).toEqual([expect.stringMatching(/^You're in, Ana! Thank you\. Tell friends: text JOIN ANA[A-HJ-NP-Z2-9]{2} to 62262$/)]);
    const row = b.ctx.db.sqlite.prepare('SELECT first_name, zip, email FROM contacts WHERE phone = ?').get('+13125550100');
    expect(row).toEqual({ first_name: 'Ana', zip: '60601', email: 'ana@example.org' });
  });
});
