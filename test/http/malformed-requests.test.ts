/**
 * Requests a client can send without signing in, that once made the gateway answer 500 and log
 * an error-level stack trace: malformed percent-escapes in a path parameter, and an absolute-form
 * request line ("POST http://host/twilio/sms HTTP/1.1") on the Twilio webhooks. Each must be a
 * precise 4xx, with at most a one-line warning in the log. Real app, real SQLite, real sockets;
 * the webhooks through the front door production serves.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { encodeForm, inboundParams } from '../../src/twilio/rehearse';
import { signTwilioRequest } from '../../src/twilio/signature';
import { ADMIN_TOKEN, AUTH_TOKEN, PUBLIC_BASE_URL, testApp, type TestApp } from '../helpers/app';
import { signIn } from '../helpers/console';
import { rawExchange } from '../helpers/raw-http';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

/** Log lines at error level or above, or carrying a stack trace. */
const loud = (logs: string[]) => logs.filter((l) => /"level":(50|60)/.test(l) || /"stack"/.test(l));

describe('malformed percent-escapes in a path parameter', () => {
  test.each([
    '/live/%ZZ',
    '/live/%ZZ/events',
    '/live/%E0%A4%A',
    '/campaigns/%ZZ',
    '/contacts/%E0%A4%A',
    '/broadcasts/%ZZ',
    '/api/exports/broadcasts/%ZZ.csv',
    '/api/campaigns/%ZZ',
    '/api/broadcasts/%C3%28',
  ])('GET %s without signing in is a 4xx, not a 500, and logs no error', async (path) => {
    const res = await request(t.app).get(path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(loud(t.logs)).toEqual([]);
  });

  test.each([
    ['/live/%ZZ', 'html'],
    ['/campaigns/%ZZ', 'html'],
    ['/contacts/%E0%A4%A', 'html'],
    ['/api/exports/broadcasts/%ZZ.csv', 'json'],
    ['/api/campaigns/%ZZ', 'json'],
  ])('GET %s signed in is a 400 (%s), not a 500, and logs no error', async (path, kind) => {
    const s = await signIn(t.app);
    const res = kind === 'json'
      ? await request(t.app).get(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      : await request(t.app).get(path).set('Cookie', s.cookie);
    expect(res.status).toBe(400);
    if (kind === 'json') expect(res.body.error.code).toBe('bad_request');
    else expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(loud(t.logs)).toEqual([]);
  });
});

describe('absolute-form request lines on the Twilio webhooks', () => {
  const params = inboundParams('+13125550100', '62262', 'JOIN', { MessageSid: `SM${'ab'.repeat(16)}` });
  const body = encodeForm(params);
  const head = (target: string, signature: string) =>
    `POST ${target} HTTP/1.1\r\nHost: sms.rally.example\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
    `X-Twilio-Signature: ${signature}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;

  async function listen(listener: http.RequestListener): Promise<http.Server> {
    const server = http.createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  // The URL the gateway builds from PUBLIC_BASE_URL + the request target cannot even be parsed
  // when the public URL has a port ("http://localhost:3000http://host/twilio/sms").
  test.each([
    ['the front door', PUBLIC_BASE_URL],
    ['the front door', 'http://localhost:3000'],
    ['the front door', 'https://sms.rally.example:8443'],
  ])('%s, PUBLIC_BASE_URL %s: answered 4xx, nothing stored, no error logged', async (_label, base) => {
    t.close();
    t = testApp({ PUBLIC_BASE_URL: base });
    const server = await listen(t.app);
    const port = (server.address() as AddressInfo).port;
    try {
      for (const path of ['/twilio/sms', '/twilio/status']) {
        for (const target of [`http://sms.rally.example${path}`, `https://sms.rally.example${path}?a=1`, `http://127.0.0.1:${port}${path}`]) {
          // Signed as Twilio would sign the path, and signed over the absolute URL itself.
          for (const signature of [signTwilioRequest(AUTH_TOKEN, base + path, params), signTwilioRequest(AUTH_TOKEN, target, params)]) {
            const res = await rawExchange(port, head(target, signature), body);
            expect({ target, refused: res.status >= 400 && res.status < 500 }).toEqual({ target, refused: true });
          }
        }
      }
      expect(loud(t.logs)).toEqual([]);
      expect((t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM inbound_messages').get() as { n: number }).n).toBe(0);
      // The ordinary origin-form request still works on the same server.
      const ok = await rawExchange(port, head('/twilio/sms', signTwilioRequest(AUTH_TOKEN, `${base}/twilio/sms`, params)), body);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('<Message>');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
