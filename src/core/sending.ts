/** What the dispatcher hands around: one text being sent, and the retry/reconcile policy. */
import type { OutgoingText } from '../twilio/sender';

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
  /** Twilio refused the account or sender: pause this broadcast with this reason. */
  pauseBroadcast?: string;
  /** Twilio said 429: hold all sending this long. */
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
