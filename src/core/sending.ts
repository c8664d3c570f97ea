/**
 * Sending one text through a REST provider, in domain terms: what goes out, what can come of it,
 * and the retry/reconcile policy. The Twilio adapter turns its error codes into these outcomes
 * (src/twilio/error-codes.ts); the outbox records them; the dispatcher acts on them.
 */

export interface OutgoingText {
  to: string;
  /** Our sender: a short code "62262" or an E.164 number. Ignored when a Messaging Service is configured. */
  from: string;
  body: string;
}

/**
 *   ok            the provider accepted it (sid, status)
 *   opted_out     the recipient opted out at the carrier → mark opted out
 *   undeliverable invalid or landline number → mark undeliverable
 *   retryable     throttled, or no connection was made: NOT sent, safe to send again later
 *   rejected      refused, do not retry (accountLevel: every send would fail, pause)
 *   unknown       timeout, reset, 5xx: may or may not have been sent; look it up, never resend blindly
 */
export type SendOutcome =
  | { kind: 'ok'; sid: string; status: string }
  | { kind: 'opted_out'; code: number; message: string }
  | { kind: 'undeliverable'; code: number; message: string }
  | { kind: 'retryable'; code: number | null; httpStatus: number | null; message: string }
  | { kind: 'rejected'; code: number | null; httpStatus: number; message: string; accountLevel: boolean }
  | { kind: 'unknown'; code: number | null; httpStatus: number | null; message: string };

/** Did a text whose outcome was unknown reach the provider? */
export type LookupOutcome =
  | { kind: 'found'; sid: string; status: string; errorCode: number | null }
  | { kind: 'absent' }
  | { kind: 'error'; message: string };

/** Error code recorded for a text given up after too many "slow down" answers. */
export const THROTTLED_CODE = 20429;

export interface WorkItem {
  kind: 'bulk' | 'reply';
  outboundId: string;
  contactId: string;
  broadcastId: string | null;
  text: OutgoingText;
  segments: number;
}

/** What the dispatcher should do after recording a result. */
export interface RecordEffect {
  /** The provider refused the account or sender: pause this broadcast with this reason. */
  pauseBroadcast?: string;
  /** The provider said 429: hold all sending this long. */
  penalizeMs?: number;
}

/** A send whose outcome is unknown (timeout, 5xx, or in flight when its dispatcher died). */
export interface UnknownWork {
  kind: 'bulk' | 'reply';
  outboundId: string;
  contactId: string;
  broadcastId: string | null;
  text: OutgoingText;
  /** When the outbox row was written: the message cannot be older. */
  since: Date;
}

/** What became of an unknown send after looking it up. */
export type ResolveResult = 'adopted' | 'requeued' | 'later' | 'gave_up' | 'gone';

export const POLICY = {
  /** 429 backoff on the injected clock: 2 s, 4 s, … up to a minute. */
  retryBackoffMs: (attempts: number) => Math.min(60_000, 2_000 * 2 ** Math.max(0, attempts - 1)),
  /** After this many 429s in a row for one text, give up on it (recorded as failed, 20429). */
  maxRetryableAttempts: 10,
  /** How long after a timeout/5xx to look the message up (give Twilio time to have it). */
  reconcileDelayMs: 60_000,
  /** When a lookup itself fails, try again after this. */
  lookupRetryMs: 5 * 60_000,
  /** Stop looking up after this long: the text stays "unknown" and is reported. */
  giveUpAfterMs: 24 * 3_600_000,
  /** The 429 hold applied to the whole dispatcher. */
  penalizeMs: 1_000,
} as const;

export function addMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

/**
 * A claim another dispatcher left behind may be taken over: its lease ran out, or its owner is
 * known to be gone (a dead process on this host). The one rule for broadcast and reply claims.
 */
export function leaseOrphaned(
  lease: { lease_owner: string | null; lease_until: string | null },
  now: string,
  gone: (owner: string) => boolean,
): boolean {
  const expired = lease.lease_until === null || lease.lease_until < now;
  return expired || (!!lease.lease_owner && gone(lease.lease_owner));
}
