/** TrustedClients: which browsers and addresses signed in to an account, for a while, within bounds. */
import { TrustedClients } from '../../src/core/trusted-clients';

test('remembers per account, forgets after the trust period, and keeps its memory bounded', () => {
  const t = new TrustedClients({ perAccount: 2, maxAccounts: 2, ttlMs: 1000 });
  t.remember('a', ['device:1', 'addr:x'], 0);
  expect(t.knows('a', ['device:1'], 10)).toBe(true);
  expect(t.knows('a', ['addr:y', 'addr:x'], 10)).toBe(true);
  expect(t.knows('b', ['device:1'], 10)).toBe(false); // another account
  expect(t.knows('a', ['device:1'], 1000)).toBe(false); // expired
  t.remember('a', ['device:2'], 0); // at most 2 per account: the oldest (device:1) goes
  expect(t.knows('a', ['device:1'], 10)).toBe(false);
  expect(t.knows('a', ['device:2', 'addr:x'], 10)).toBe(true);
  t.remember('b', ['device:3'], 0);
  t.remember('c', ['device:4'], 0); // at most 2 accounts: the least recently used (a) goes
  expect(t.knows('a', ['device:2'], 10)).toBe(false);
  expect(t.knows('c', ['device:4'], 10)).toBe(true);
});
