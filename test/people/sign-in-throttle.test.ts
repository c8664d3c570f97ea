/**
 * Guessing passwords, through the real app behind a trusted proxy (TRUST_PROXY=loopback, so
 * X-Forwarded-For is each client's address): failures count per address and per account; an
 * account over its limit refuses unknown browsers before checking the password, yet the person's
 * correct password from a browser or address that signed in before is never locked out by
 * someone else's failures; unknown emails answer like wrong passwords.
 */
import { testApp, type TestApp } from '../helpers/app';
import { accept, deviceCookie, invite, PASSWORD, passwordSignIn } from '../helpers/accounts';

let t: TestApp;
beforeEach(async () => {
  t = testApp({ TRUST_PROXY: 'loopback' });
  await accept(t.app, await invite(t.app, 'ana@example.org', 'organizer'), 'Ana');
});
afterEach(() => t.close());

test('per address: ten wrong passwords lock that address out (even with the right password), not others', async () => {
  for (let i = 0; i < 10; i++) expect((await passwordSignIn(t.app, `guess${i}@example.org`, 'wrong password here', { from: '203.0.113.7' })).status).toBe(401);
  const own = await passwordSignIn(t.app, 'ana@example.org', PASSWORD, { from: '203.0.113.7' });
  expect(own.status).toBe(429);
  expect(own.headers['retry-after']).toBe('60');
  expect((await passwordSignIn(t.app, 'ana@example.org', PASSWORD, { from: '198.51.100.2' })).status).toBe(303);
  t.clock.advance(60_000);
  expect((await passwordSignIn(t.app, 'ana@example.org', PASSWORD, { from: '203.0.113.7' })).status).toBe(303);
});

test("per account: guesses from many addresses lock the account for unknown browsers only; Ana's own browser and address still get in", async () => {
  // Ana signs in once from home: her browser gets a device cookie, her address is remembered.
  const home = await passwordSignIn(t.app, 'ana@example.org', PASSWORD, { from: '198.51.100.20' });
  expect(home.status).toBe(303);
  const device = deviceCookie(home);

  // A distributed guesser: one wrong password from each of 10 addresses.
  for (let i = 0; i < 10; i++) {
    expect((await passwordSignIn(t.app, 'ana@example.org', `guess number ${i}`, { from: `192.0.2.${i + 1}` })).status).toBe(401);
  }
  // The 11th address is refused before the password is checked: even the right one gets 429,
  // so the guesser cannot tell a right guess from a wrong one.
  const fresh = await passwordSignIn(t.app, 'ana@example.org', PASSWORD, { from: '192.0.2.99' });
  expect(fresh.status).toBe(429);
  expect(fresh.text).toContain('sign in from a browser you have used before');
  expect((await passwordSignIn(t.app, 'ana@example.org', 'guess number 11', { from: '192.0.2.100' })).status).toBe(429);

  // Ana's browser (device cookie), from a new address (her phone on the train): accepted.
  expect((await passwordSignIn(t.app, 'ana@example.org', PASSWORD, { from: '100.64.0.9', cookie: device })).status).toBe(303);
  // Her usual address, a different browser: accepted.
  expect((await passwordSignIn(t.app, 'ana@example.org', PASSWORD, { from: '198.51.100.20' })).status).toBe(303);
  // A wrong password from her trusted browser is a plain 401 (and counts against that address).
  expect((await passwordSignIn(t.app, 'ana@example.org', 'not it at all', { from: '100.64.0.9', cookie: device })).status).toBe(401);
  // A forged device cookie buys nothing.
  expect((await passwordSignIn(t.app, 'ana@example.org', PASSWORD, { from: '192.0.2.101', cookie: 'rallytext_device=AAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(429);
  // Other accounts are unaffected.
  await accept(t.app, await invite(t.app, 'ben@example.org', 'volunteer'), 'Ben');
  expect((await passwordSignIn(t.app, 'ben@example.org', PASSWORD, { from: '192.0.2.99' })).status).toBe(303);
  // The account drains: one more attempt per minute from unknown browsers.
  t.clock.advance(60_000);
  expect((await passwordSignIn(t.app, 'ana@example.org', PASSWORD, { from: '192.0.2.99' })).status).toBe(303);
});

test('unknown emails and wrong passwords answer the same 401; empty fields are not guesses', async () => {
  const unknown = await passwordSignIn(t.app, 'nobody@example.org', PASSWORD, { from: '198.51.100.5' });
  const wrong = await passwordSignIn(t.app, 'ana@example.org', 'wrong password!!', { from: '198.51.100.5' });
  expect(unknown.status).toBe(401);
  expect(wrong.status).toBe(401);
  const msg = (r: { text: string }) => /<p class="error" id="password-error">([^<]*)</.exec(r.text)?.[1];
  expect(msg(unknown)).toBe(msg(wrong));
  for (let i = 0; i < 12; i++) expect((await passwordSignIn(t.app, 'ana@example.org', '', { from: '198.51.100.6' })).status).toBe(401);
  expect((await passwordSignIn(t.app, 'ana@example.org', PASSWORD, { from: '198.51.100.6' })).status).toBe(303);
  // An absurdly long password is refused without hashing it at length, like any wrong one.
  expect((await passwordSignIn(t.app, 'ana@example.org', 'x'.repeat(5000), { from: '198.51.100.7' })).status).toBe(401);
});

test('wrong tokens and wrong passwords share one per-address budget', async () => {
  const { default: request } = await import('supertest');
  for (let i = 0; i < 5; i++) {
    expect((await request(t.app).post('/signin').type('form').set('X-Forwarded-For', '203.0.113.9').send({ token: `wrong-token-${i}-xxxxxxxxxx` })).status).toBe(401);
  }
  for (let i = 0; i < 5; i++) expect((await passwordSignIn(t.app, 'ana@example.org', `nope nope ${i}`, { from: '203.0.113.9' })).status).toBe(401);
  expect((await passwordSignIn(t.app, 'ana@example.org', PASSWORD, { from: '203.0.113.9' })).status).toBe(429);
});
