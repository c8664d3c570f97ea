/**
 * Twilio's error codes, classified into the domain's send outcomes (src/core/sending.ts):
 * the adapter decides what an error means, not the caller's guess (nyaruka/courier style).
 *   21610                   the recipient replied STOP to Twilio/carrier → opted_out
 *   21211 / 21614 / 21635   invalid or landline number → undeliverable
 *   429 / 20429, no connection   NOT sent, safe to send again later → retryable
 *   5xx, timeout, reset     may or may not have been sent → unknown (look it up, never resend blindly)
 *   any other 4xx           not sent, do not retry → rejected (accountLevel: every send would fail)
 */
import type { SendOutcome } from '../core/sending';

export const OPTED_OUT_CODES = new Set([21610]);
export const UNDELIVERABLE_CODES = new Set([21211, 21614, 21635]);
/** Errors about our account or sender, not the recipient: pause the broadcast instead of failing everyone. */
export const ACCOUNT_LEVEL_CODES = new Set([20003, 20005, 20008, 21212, 21603, 21606, 21608, 21659, 30002]);
/** Twilio's "too many requests". */
export const TOO_MANY_REQUESTS_CODE = 20429;
/** No connection was ever made, so nothing can have been sent. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface TwilioishError {
  status?: unknown;
  code?: unknown;
  message?: unknown;
}

export function classifySendError(err: unknown): Exclude<SendOutcome, { kind: 'ok' }> {
  const e = (err ?? {}) as TwilioishError;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const code = typeof e.code === 'number' ? e.code : null;
  const httpStatus = typeof e.status === 'number' ? e.status : null;
  if (httpStatus === null) {
    // No HTTP answer: axios/network error with a string code.
    if (typeof e.code === 'string' && NOT_CONNECTED.has(e.code)) return { kind: 'retryable', code: null, httpStatus: null, message };
    return { kind: 'unknown', code: null, httpStatus: null, message };
  }
  if (httpStatus === 429 || code === TOO_MANY_REQUESTS_CODE) return { kind: 'retryable', code, httpStatus, message };
  if (httpStatus >= 500) return { kind: 'unknown', code, httpStatus, message };
  if (code !== null && OPTED_OUT_CODES.has(code)) return { kind: 'opted_out', code, message };
  if (code !== null && UNDELIVERABLE_CODES.has(code)) return { kind: 'undeliverable', code, message };
  const accountLevel = httpStatus === 401 || httpStatus === 403 || (code !== null && ACCOUNT_LEVEL_CODES.has(code));
  return { kind: 'rejected', code, httpStatus, message, accountLevel };
}
