/**
 * Password hashing with scrypt (node:crypto: no native add-on to build or keep patched).
 *
 * Parameters: N = 2^15, r = 8, p = 3. scrypt's memory is 128·N·r bytes = 32 MiB per hash, and
 * p = 3 triples the work without more memory. This is one of OWASP's equivalent minimums for
 * scrypt (2^17/8/1 ≈ 2^16/8/2 ≈ 2^15/8/3): it keeps the per-guess cost of an offline attack at
 * OWASP's level while a sign-in on a small two-core box costs ~32 MiB and ~100-200 ms, so even
 * libuv's four worker threads hashing at once stay near 128 MiB (2^17/8/1 would be 512 MiB).
 *
 * The stored form is `scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>`: the parameters travel
 * with the hash, so raising them later only changes PASSWORD_PARAMS — old hashes still verify
 * with their own parameters and `needsRehash` says when to store a new one (done at sign-in).
 * Comparison is constant-time (timingSafeEqual over equal-length buffers).
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const PASSWORD_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 3 });
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Bounds what a stored hash may ask for (a tampered row must not make us allocate gigabytes). */
const MAX_N = 2 ** 20;

/** Passwords longer than this are refused before hashing (no one types 200 characters; scrypt would not mind, but a body limit is cheap). */
export const MAX_PASSWORD_LENGTH = 200;
export const MIN_PASSWORD_LENGTH = 12;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r + 4 * 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = PASSWORD_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface Parsed {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | null {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) return null;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < 2 || N > MAX_N || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  return { params: { N, r, p }, salt: Buffer.from(m[4]!, 'base64url'), key: Buffer.from(m[5]!, 'base64url') };
}

/** A hash of a password nobody knows, checked when the email is unknown so the answer takes as long. */
let decoy: Promise<string> | null = null;

/** True when `password` matches `stored`; with no stored hash, spends the same time and says false. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parsed = stored ? parse(stored) : null;
  if (!parsed) {
    decoy ??= hashPassword(randomBytes(18).toString('base64url'));
    const d = parse(await decoy)!;
    await derive(password, d.salt, d.params);
    return false;
  }
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** True when a stored hash was made with other parameters than today's (store a new one). */
export function needsRehash(stored: string, params: ScryptParams = PASSWORD_PARAMS): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.N !== params.N || parsed.params.r !== params.r || parsed.params.p !== params.p;
}
