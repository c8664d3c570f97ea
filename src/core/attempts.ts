/**
 * Failed-credential throttle, shared by every way of presenting a secret (console sign-in, API
 * bearer tokens, and later per-account passwords).
 *
 * Why this shape: a limit per client address alone lets one address (or everyone behind a proxy
 * that is not trusted) lock every organizer out, and does nothing against one wrong secret
 * replayed from many addresses; a limit that refuses a correct secret because of *other*
 * clients' failures hands an attacker a lockout button. So failures are counted under two keys,
 * the client address and a fingerprint of the presented credential (the caller hashes it; this
 * module never sees a secret), and:
 *   - a client over its limit is refused (429) whatever it presents: only its own failures got
 *     it there, and evaluating its guesses would turn the limit into a mere change of status
 *     code (a brute-forcer would just watch for the one answer that is not 429);
 *   - a correct credential from any other client is always accepted: no count kept for other
 *     clients or for other credentials can refuse it;
 *   - a wrong credential over its own limit (the same stale token replayed from many
 *     addresses) is refused without being counted again.
 * A success never resets the client's count: holding the volunteer token must not buy unlimited
 * guesses at the organizer token.
 *
 * Each key is a GCRA bucket (one number): `maxFailures` failures in a burst, then one more every
 * windowMs / maxFailures. Memory is bounded like core/flood.ts: a key whose failures have all
 * drained is the same as no key and is dropped, and at most `maxTracked` keys are kept per kind
 * (the least recently seen go first). Pure: time is passed in.
 */

export interface AttemptPolicy {
  /** Failures allowed in a burst before the key is throttled. */
  maxFailures: number;
  /** Time for a full burst to drain: afterwards one more failure every windowMs / maxFailures. */
  windowMs: number;
}

/** 10 wrong secrets, then one more per minute (10 per 10 minutes in the long run). */
export const DEFAULT_ATTEMPT_POLICY: AttemptPolicy = { maxFailures: 10, windowMs: 10 * 60_000 };

/** Failures per key, as one GCRA "theoretical arrival time" each. */
export class FailureCounter {
  private readonly tat = new Map<string, number>();
  private readonly interval: number;
  private readonly tolerance: number;

  constructor(
    policy: AttemptPolicy,
    private readonly maxTracked = 50_000,
  ) {
    if (!(policy.maxFailures >= 1 && policy.windowMs > 0)) throw new RangeError('maxFailures must be ≥ 1 and windowMs > 0');
    this.interval = policy.windowMs / policy.maxFailures;
    this.tolerance = (policy.maxFailures - 1) * this.interval;
  }

  /** Milliseconds before `key` may fail again; 0 when it may try now. */
  waitMs(key: string, nowMs: number): number {
    const tat = this.tat.get(key);
    return tat === undefined ? 0 : Math.max(0, Math.ceil(tat - nowMs - this.tolerance));
  }

  /** Counts a failure; true when it used up the key's allowance (the moment to log, once). */
  fail(key: string, nowMs: number): boolean {
    const before = this.tat.get(key);
    this.tat.delete(key); // re-inserted below: Map order = least recently seen first
    const tat = Math.max(before ?? nowMs, nowMs) + this.interval;
    this.tat.set(key, tat);
    this.evict(nowMs);
    return tat - nowMs > this.tolerance;
  }

  /** Keys currently tracked (for tests and metrics). */
  get size(): number {
    return this.tat.size;
  }

  private evict(nowMs: number): void {
    let checked = 0;
    for (const [key, tat] of this.tat) {
      if (this.tat.size > this.maxTracked || (tat <= nowMs && checked < 2)) {
        this.tat.delete(key);
        checked++;
        continue;
      }
      break;
    }
  }
}

export interface Attempt {
  /** Who is asking: a client address (see http/client-address.ts). */
  client: string;
  /** A fingerprint of the presented credential (a hash, never the secret itself). */
  credential: string;
  /** Whether the credential is right, checked by the caller in constant time before asking. */
  correct: boolean;
}

export type AttemptVerdict =
  | { outcome: 'accepted' }
  /** Wrong, and counted. `limitReached`: this failure used up the client's allowance. */
  | { outcome: 'refused'; limitReached: boolean }
  /** Not evaluated: the client (or this exact wrong credential) is over its limit. */
  | { outcome: 'throttled'; by: 'client' | 'credential'; retryAfterMs: number };

export interface CredentialThrottleOptions {
  perClient?: AttemptPolicy;
  perCredential?: AttemptPolicy;
  maxTracked?: number;
}

export class CredentialThrottle {
  private readonly clients: FailureCounter;
  private readonly credentials: FailureCounter;

  constructor(options: CredentialThrottleOptions = {}) {
    this.clients = new FailureCounter(options.perClient ?? DEFAULT_ATTEMPT_POLICY, options.maxTracked);
    this.credentials = new FailureCounter(options.perCredential ?? DEFAULT_ATTEMPT_POLICY, options.maxTracked);
  }

  attempt(a: Attempt, nowMs: number): AttemptVerdict {
    const clientWait = this.clients.waitMs(a.client, nowMs);
    if (clientWait > 0) return { outcome: 'throttled', by: 'client', retryAfterMs: clientWait };
    if (a.correct) return { outcome: 'accepted' };
    const credentialWait = this.credentials.waitMs(a.credential, nowMs);
    if (credentialWait > 0) return { outcome: 'throttled', by: 'credential', retryAfterMs: credentialWait };
    this.credentials.fail(a.credential, nowMs);
    return { outcome: 'refused', limitReached: this.clients.fail(a.client, nowMs) };
  }

  /** Counts a failure against the client alone (a wrong secret whose credential key is already over its limit). */
  failClient(client: string, nowMs: number): boolean {
    return this.clients.fail(client, nowMs);
  }

  /**
   * Whether an attempt would be evaluated now, without counting anything: for a secret that is
   * expensive to check (a password's scrypt), asked before the check. `credential` over its limit
   * only matters to callers that refuse it before evaluating (see http/auth.ts, passwords).
   */
  peek(client: string, credential: string, nowMs: number): { clientWaitMs: number; credentialWaitMs: number } {
    return { clientWaitMs: this.clients.waitMs(client, nowMs), credentialWaitMs: this.credentials.waitMs(credential, nowMs) };
  }

  /** Keys tracked, per kind (for tests and metrics). */
  get tracked(): { clients: number; credentials: number } {
    return { clients: this.clients.size, credentials: this.credentials.size };
  }
}
