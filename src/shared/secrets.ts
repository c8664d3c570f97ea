/** Constant-time comparison and digests for tokens, session ids and CSRF tokens. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

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

/** HMAC-SHA256 of `body` with `secret`, as the `sha256=<hex>` a signing webhook sender puts in its header. */
export function hmacSignature(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Does `header` ("sha256=<64 hex digits>", any case) sign `body` with `secret`? Constant-time
 * over the digest; a header of another shape is simply wrong.
 */
export function signatureMatches(secret: string, body: Buffer, header: string): boolean {
  const m = /^\s*sha256=([0-9a-f]{64})\s*$/i.exec(header);
  const expected = createHmac('sha256', secret).update(body).digest();
  // Compared even when the header is malformed (against zeros), so its shape does not change the timing much.
  const given = m ? Buffer.from(m[1]!, 'hex') : Buffer.alloc(32);
  return timingSafeEqual(expected, given) && m !== null;
}
