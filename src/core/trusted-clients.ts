/**
 * Which clients have signed in to an account before: the exemption that lets a per-account
 * failure limit exist without handing attackers a lockout button (OWASP's "device cookie" idea).
 *
 * Guessing one person's password from many addresses gets past any per-address limit, so
 * failures are also counted per account (core/attempts.ts, the account as the credential key).
 * Once an account is over its limit, attempts on it from clients it does not know are refused
 * before the password is even checked — a distributed guesser learns nothing — while a client
 * that signed in as this person before (a browser holding the device cookie it was given, or the
 * address it signed in from) is still evaluated: the person's correct password from their usual
 * browser or network is never locked out by someone else's failures elsewhere.
 *
 * Memory is bounded: at most `perAccount` devices and addresses per account (most recent kept)
 * and `maxAccounts` accounts (least recently used dropped). Pure: time is passed in.
 */

export interface TrustedClientsOptions {
  perAccount?: number;
  maxAccounts?: number;
  /** How long a success keeps a device or an address trusted. */
  ttlMs?: number;
}

export class TrustedClients {
  private readonly accounts = new Map<string, Map<string, number>>();
  private readonly perAccount: number;
  private readonly maxAccounts: number;
  private readonly ttlMs: number;

  constructor(o: TrustedClientsOptions = {}) {
    this.perAccount = o.perAccount ?? 20;
    this.maxAccounts = o.maxAccounts ?? 10_000;
    this.ttlMs = o.ttlMs ?? 90 * 86_400_000;
  }

  /** Remembers a successful sign-in to `account` by each of `keys` (e.g. `device:<id>`, `addr:<ip>`). */
  remember(account: string, keys: string[], nowMs: number): void {
    const known = this.accounts.get(account) ?? new Map<string, number>();
    this.accounts.delete(account);
    for (const k of keys) {
      known.delete(k);
      known.set(k, nowMs + this.ttlMs);
    }
    while (known.size > this.perAccount) known.delete(known.keys().next().value as string);
    this.accounts.set(account, known);
    while (this.accounts.size > this.maxAccounts) this.accounts.delete(this.accounts.keys().next().value as string);
  }

  /** True when any of `keys` signed in to `account` within the trust period. */
  knows(account: string, keys: string[], nowMs: number): boolean {
    const known = this.accounts.get(account);
    if (!known) return false;
    return keys.some((k) => (known.get(k) ?? 0) > nowMs);
  }
}
