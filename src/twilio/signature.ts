/** X-Twilio-Signature verification with the official library, against the configured public URL. */
import { timingSafeEqual } from 'node:crypto';
import { getExpectedTwilioSignature, validateRequest } from 'twilio/lib/webhooks/webhooks';
import { AppError } from '../shared/errors';

export type FormParams = Record<string, string>;

/**
 * Behind a proxy req.protocol and host are wrong, so the URL Twilio signed is always
 * PUBLIC_BASE_URL + the path and query it requested.
 */
export function signedUrl(publicBaseUrl: string, originalUrl: string): string {
  return publicBaseUrl + originalUrl;
}

/**
 * The library's own signature for exactly this URL first (one HMAC: what Twilio sends for a
 * webhook configured as PUBLIC_BASE_URL/twilio/sms); only if that does not match,
 * `validateRequest`, which also tries the URL with and without its port and with the legacy
 * query-string encoding (four HMACs and URL parsing on every refused request).
 */
export function isValidTwilioSignature(authToken: string, signature: string, url: string, params: FormParams): boolean {
  const expected = Buffer.from(getExpectedTwilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  if (expected.length === given.length && timingSafeEqual(expected, given)) return true;
  try {
    return validateRequest(authToken, signature, url, params);
  } catch {
    // The library parses the URL (new URL) to try its variants; a URL it cannot parse was not signed.
    return false;
  }
}

/** For clients of the gateway (the rehearsal CLI, tests, benchmarks): sign like Twilio does. */
export function signTwilioRequest(authToken: string, url: string, params: FormParams): string {
  return getExpectedTwilioSignature(authToken, url, params);
}

/** 403 unless `signature` is Twilio's for PUBLIC_BASE_URL + originalUrl and these params. */
export function checkSignature(
  config: { publicBaseUrl: string; authToken: string }, originalUrl: string, signature: string | undefined, params: FormParams,
): void {
  if (!signature) throw new AppError('bad_signature', 'missing X-Twilio-Signature header');
  // Twilio requests a path ("/twilio/sms?…"). An absolute-form target ("POST http://host/twilio/sms")
  // would be glued onto PUBLIC_BASE_URL as a URL Twilio never signed, and one that cannot be parsed.
  if (!originalUrl.startsWith('/') || originalUrl.startsWith('//')) {
    throw new AppError('bad_request', 'the request target must be a path such as /twilio/sms, not an absolute URL');
  }
  if (!isValidTwilioSignature(config.authToken, signature, signedUrl(config.publicBaseUrl, originalUrl), params)) {
    throw new AppError('bad_signature', 'X-Twilio-Signature does not match this request');
  }
}
