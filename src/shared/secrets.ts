/** Constant-time comparison and digests for tokens, session ids and CSRF tokens. */
import { createHash, timingSafeEqual } from 'node:crypto';

export function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Constant-time equality (hashing first makes the lengths equal). */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}
