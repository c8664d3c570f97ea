/** Constant-time comparison and digests for tokens, session ids and CSRF tokens. */
import { createHash, timingSafeEqual } from 'node:crypto';

export function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/**
 * What the failed-attempt throttle keys a presented credential by: a digest, so the secret (or a
 * near miss of it) never sits in memory longer than the request.
 */
export function credentialFingerprint(presented: string): string {
  return createHash('sha256').update(`rallytext-attempt:${presented}`).digest('base64url').slice(0, 22);
}

/** Constant-time equality (hashing first makes the lengths equal). */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}
