/** X-Twilio-Signature verification with the official library, against the configured public URL. */
import { getExpectedTwilioSignature, validateRequest } from 'twilio/lib/webhooks/webhooks';

export type FormParams = Record<string, string>;

/**
 * Behind a proxy req.protocol and host are wrong, so the URL Twilio signed is always
 * PUBLIC_BASE_URL + the path and query it requested.
 */
export function signedUrl(publicBaseUrl: string, originalUrl: string): string {
  return publicBaseUrl + originalUrl;
}

export function isValidTwilioSignature(authToken: string, signature: string, url: string, params: FormParams): boolean {
  return validateRequest(authToken, signature, url, params);
}

/** For clients of the gateway (the rehearsal CLI, tests, benchmarks): sign like Twilio does. */
export function signTwilioRequest(authToken: string, url: string, params: FormParams): string {
  return getExpectedTwilioSignature(authToken, url, params);
}
