/**
 * Wrong tokens, through the real app: behind a trusted reverse proxy each client is counted on
 * its own (one client's failures never lock out the organizer's correct token), wrong API bearer
 * tokens are throttled like wrong sign-ins (one budget for both), one stale token replayed from
 * many addresses is throttled, and without TRUST_PROXY a forged X-Forwarded-For buys nothing.
 */
import request from 'supertest';
import { clientKey } from '../../src/http/client-address';
import { ADMIN_TOKEN, VOLUNTEER_TOKEN, testApp, type TestApp } from '../helpers/app';

let t: TestApp;
afterEach(() => t.close());

const signInAs = (from: string | null, token: string) => {
  const req = request(t.app).post('/signin').type('form');
  return (from ? req.set('X-Forwarded-For', from) : req).send({ token });
};
const apiAs = (from: string | null, token: string) => {
  const req = request(t.app).get('/api/campaigns').set('Authorization', `Bearer ${token}`);
  return from ? req.set('X-Forwarded-For', from) : req;
};

describe('behind a trusted reverse proxy (TRUST_PROXY=loopback)', () => {
  beforeEach(() => {
    t = testApp({ TRUST_PROXY: 'loopback' });
  });

  test("ten wrong sign-ins from one client do not lock the organizer's correct token out", async () => {
    for (let i = 0; i < 10; i++) expect((await signInAs('203.0.113.7', `wrong-token-${i}-xxxxxxxx`)).status).toBe(401);
    expect((await signInAs('198.51.100.2', ADMIN_TOKEN)).status).toBe(303);
    expect((await apiAs('198.51.100.2', ADMIN_TOKEN)).status).toBe(200);
    // The client that failed is refused, right token or not: only its own failures got it there.
    const own = await signInAs('203.0.113.7', ADMIN_TOKEN);
    expect(own.status).toBe(429);
    expect(own.headers['retry-after']).toBe('60');
    expect(own.text).toContain('Too many wrong tokens');
  });

  test('wrong bearer tokens are throttled: 429 with Retry-After after ten, others unaffected, then one a minute', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await apiAs('203.0.113.7', `not-the-token-${i}-xxxxxxxxxx`)).status);
    expect(statuses).toEqual([...Array<number>(10).fill(401), ...Array<number>(20).fill(429)]);
    const refused = await apiAs('203.0.113.7', `not-the-token-x-xxxxxxxxxx`);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.body.error).toMatchObject({ code: 'rate_limited' });
    expect((await apiAs('198.51.100.2', ADMIN_TOKEN)).status).toBe(200);
    expect((await apiAs('198.51.100.3', VOLUNTEER_TOKEN)).status).toBe(403); // a valid token, a role that may not
    expect((await apiAs('203.0.113.7', ADMIN_TOKEN)).status).toBe(429);
    t.clock.advance(60_000);
    expect((await apiAs('203.0.113.7', 'still-not-the-token-xxxxxxxx')).status).toBe(401);
    expect((await apiAs('203.0.113.7', ADMIN_TOKEN)).status).toBe(429);
    t.clock.advance(60_000);
    expect((await apiAs('203.0.113.7', ADMIN_TOKEN)).status).toBe(200);
    // One warning when the limit was reached, not one line per wrong token.
    expect(t.logs.filter((l) => l.includes('too many wrong tokens from one client'))).toHaveLength(2);
  });

  test('an empty token field is a 401, not a guess: it neither counts nor trips the shared fingerprint', async () => {
    for (let i = 0; i < 12; i++) expect((await signInAs(`198.18.2.${i + 1}`, '')).status).toBe(401);
    expect((await signInAs('198.18.2.1', ADMIN_TOKEN)).status).toBe(303);
  });

  test('the console form and the API share one budget per client', async () => {
    for (let i = 0; i < 5; i++) expect((await signInAs('203.0.113.9', `wrong-token-${i}-xxxxxxxx`)).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await apiAs('203.0.113.9', `wrong-bearer-${i}-xxxxxxxx`)).status).toBe(401);
    expect((await signInAs('203.0.113.9', 'one-more-guess-xxxxxxxx')).status).toBe(429);
    expect((await apiAs('203.0.113.9', 'one-more-guess-xxxxxxxx')).status).toBe(429);
  });

  test('one stale token replayed from many addresses is throttled; other tokens and the right one are not', async () => {
    for (let i = 0; i < 10; i++) expect((await apiAs(`198.18.0.${i + 1}`, 'the-token-we-rotated-away')).status).toBe(401);
    const replay = await apiAs('198.18.1.1', 'the-token-we-rotated-away');
    expect(replay.status).toBe(429);
    expect(replay.headers['retry-after']).toBe('60');
    expect((await apiAs('198.18.1.1', 'a-different-wrong-token')).status).toBe(401);
    expect((await apiAs('198.18.1.1', ADMIN_TOKEN)).status).toBe(200);
  });

  test('an IPv6 client is counted by its /64: rotating addresses inside it buys nothing', async () => {
    for (let i = 0; i < 10; i++) expect((await apiAs(`2001:db8:7:1::${(i + 1).toString(16)}`, `guess-${i}-xxxxxxxxxxxx`)).status).toBe(401);
    expect((await apiAs('2001:db8:7:1:ffff:1:2:3', 'guess-x-xxxxxxxxxxxx')).status).toBe(429);
    expect((await apiAs('2001:db8:7:2::1', ADMIN_TOKEN)).status).toBe(200);
  });
});

describe('TRUST_PROXY off (the default)', () => {
  beforeEach(() => {
    t = testApp();
  });

  test('a forged X-Forwarded-For does not make a new client; the hint to set TRUST_PROXY is logged once', async () => {
    for (let i = 0; i < 10; i++) expect((await apiAs(`198.51.100.${i + 1}`, `guess-${i}-xxxxxxxxxxxx`)).status).toBe(401);
    expect((await apiAs('198.51.100.99', 'guess-x-xxxxxxxxxxxx')).status).toBe(429);
    expect(t.logs.filter((l) => l.includes('TRUST_PROXY is off'))).toHaveLength(1);
  });
});

test('client keys: IPv4-mapped IPv6 is the IPv4 address; IPv6 is its /64', () => {
  expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
  expect(clientKey('2001:db8:7:1::1')).toBe('2001:db8:7:1::/64');
  expect(clientKey('2001:0db8:0007:0001:ffff:1:2:3')).toBe('2001:db8:7:1::/64');
  expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
  expect(clientKey('::1')).toBe('0:0:0:0::/64');
  expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  expect(clientKey('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  expect(clientKey(undefined)).toBe('unknown');
});
