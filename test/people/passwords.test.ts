/** scrypt password hashes: parameters stored with the hash, constant-time verify, rehash when the parameters change, tampered rows refused. */
import { hashPassword, needsRehash, PASSWORD_PARAMS, verifyPassword } from '../../src/usecases/people/passwords';

test('a hash carries its parameters and salt; the right password verifies, others do not', async () => {
  const h = await hashPassword('correct horse battery staple');
  expect(h).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  expect(await hashPassword('correct horse battery staple')).not.toBe(h); // salted
  expect(await verifyPassword('correct horse battery staple', h)).toBe(true);
  expect(await verifyPassword('correct horse battery stapl', h)).toBe(false);
  expect(await verifyPassword('', h)).toBe(false);
  expect(needsRehash(h)).toBe(false);
});

test('old parameters still verify, and say a rehash is due', async () => {
  const weak = await hashPassword('a long enough password', { N: 1024, r: 8, p: 1 });
  expect(weak.startsWith('scrypt$1024$8$1$')).toBe(true);
  expect(await verifyPassword('a long enough password', weak)).toBe(true);
  expect(needsRehash(weak)).toBe(true);
  expect(needsRehash(weak, { N: 1024, r: 8, p: 1 })).toBe(false);
  expect(PASSWORD_PARAMS).toEqual({ N: 32768, r: 8, p: 3 });
});

test('no hash, garbage, and parameters out of bounds are refused (false), never thrown or obeyed', async () => {
  expect(await verifyPassword('x', null)).toBe(false);
  expect(await verifyPassword('x', 'plain')).toBe(false);
  expect(await verifyPassword('x', 'scrypt$1073741824$8$1$AAAA$AAAA')).toBe(false); // 2^30: would need 1 TiB
  expect(await verifyPassword('x', 'scrypt$1000$8$1$AAAA$AAAA')).toBe(false); // not a power of two
  expect(await verifyPassword('x', 'scrypt$1024$64$1$AAAA$AAAA')).toBe(false);
});
