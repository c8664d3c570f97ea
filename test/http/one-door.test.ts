/**
 * The front door is the only way into Twilio's webhooks: the express app alone has no route for
 * them any more, and the door decodes the bodies express used to (gzip, deflate, chunked, a
 * latin-1 charset) or refuses them with a precise 4xx, for status callbacks as for texts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import request from 'supertest';
import { buildApp } from '../../src/http/app';
import { encodeForm } from '../../src/twilio/rehearse';
import { signTwilioRequest, type FormParams } from '../../src/twilio/signature';
import { AUTH_TOKEN, PUBLIC_BASE_URL, signedPost, testApp, type TestApp } from '../helpers/app';
import { loadForm } from '../helpers/fixtures';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

const SID = `SM${'4'.repeat(32)}`;
const receipt = (): FormParams => ({ MessageSid: SID, MessageStatus: 'delivered', AccountSid: `AC${'0'.repeat(32)}` });
const receipts = () => (t.ctx.db.sqlite.prepare('SELECT status, callbacks FROM message_receipts').all() as { status: string; callbacks: number }[]);

test('the express app alone no longer answers /twilio/sms or /twilio/status (404): the door does', async () => {
  const expressOnly = buildApp(t.ctx);
  expect((await request(expressOnly).post('/twilio/sms').type('form').send('Body=JOIN')).status).toBe(404);
  expect((await request(expressOnly).post('/twilio/status').type('form').send('MessageSid=x')).status).toBe(404);
  expect((await signedPost(t.app, '/twilio/sms', loadForm('inbound-shortcode'))).status).toBe(200);
  expect((await signedPost(t.app, '/twilio/status', receipt())).status).toBe(204);
});

test('express-style paths still reach the door: a trailing slash, any case, a query string', async () => {
  for (const p of ['/twilio/status/', '/Twilio/Status', '/twilio/status?x=1']) {
    expect((await signedPost(t.app, p, receipt())).status).toBe(204);
  }
  expect(receipts()).toEqual([{ status: 'delivered', callbacks: 3 }]);
});

function post(headers: Record<string, string>, body: Buffer | string[], path = '/twilio/status'): Promise<number> {
  const server = http.createServer(t.app);
  return new Promise((resolve, reject) => {
    server.listen(0, '127.0.0.1', () => {
      const req = http.request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path, headers }, (res) => {
        res.resume();
        res.on('end', () => server.close(() => resolve(res.statusCode!)));
      });
      req.on('error', reject);
      if (Array.isArray(body)) {
        for (const part of body) req.write(part); // no Content-Length: chunked
        req.end();
      } else req.end(body);
    });
  });
}

const signature = (params: FormParams) => signTwilioRequest(AUTH_TOKEN, `${PUBLIC_BASE_URL}/twilio/status`, params);
const FORM = 'application/x-www-form-urlencoded';

test('a status callback sent gzip, deflate or chunked is decoded and recorded', async () => {
  const body = encodeForm(receipt());
  const h = { 'content-type': FORM, 'x-twilio-signature': signature(receipt()) };
  expect(await post({ ...h, 'content-encoding': 'gzip' }, zlib.gzipSync(body))).toBe(204);
  expect(await post({ ...h, 'content-encoding': 'deflate' }, zlib.deflateSync(body))).toBe(204);
  expect(await post(h, [body.slice(0, 20), body.slice(20)])).toBe(204);
  expect(receipts()).toEqual([{ status: 'delivered', callbacks: 3 }]);
});

test('an ISO-8859-1 body is decoded as such (the signature covers the decoded text)', async () => {
  const params = { ...loadForm('inbound-shortcode'), Body: 'JOIN café' };
  const latin1 = Buffer.from(encodeForm(params).replace('caf%C3%A9', 'caf%E9'));
  const sig = signTwilioRequest(AUTH_TOKEN, `${PUBLIC_BASE_URL}/twilio/sms`, params);
  expect(await post({ 'content-type': `${FORM}; charset=iso-8859-1`, 'x-twilio-signature': sig }, latin1, '/twilio/sms')).toBe(200);
  expect(t.ctx.db.sqlite.prepare('SELECT body FROM inbound_messages').get()).toEqual({ body: 'JOIN café' });
});

test('what the door cannot decode is a precise 4xx and nothing is stored', async () => {
  const body = encodeForm(receipt());
  const h = { 'x-twilio-signature': signature(receipt()) };
  expect(await post({ ...h, 'content-type': `${FORM}; charset=shift_jis` }, Buffer.from(body))).toBe(415);
  expect(await post({ ...h, 'content-type': FORM, 'content-encoding': 'compress' }, Buffer.from(body))).toBe(415);
  expect(await post({ ...h, 'content-type': FORM, 'content-encoding': 'gzip' }, Buffer.from('not gzip at all'))).toBe(400);
  expect(await post({ ...h, 'content-type': 'application/json' }, Buffer.from('{}'))).toBe(415);
  expect(await post({ ...h, 'content-type': FORM, 'content-encoding': 'gzip' }, zlib.gzipSync(`${body}&Pad=${'p'.repeat(200_000)}`))).toBe(413);
  expect(receipts()).toEqual([]);
});
