/**
 * Console sessions. Signing in with the organizer or volunteer token starts a session: a random
 * id (the cookie value; only its SHA-256 is stored), a per-session CSRF token and a digest of the
 * token used to sign in, so rotating ADMIN_TOKEN / VOLUNTEER_TOKEN ends every session it opened.
 * Sessions last 12 hours. Cookies and CSRF checks are the HTTP adapter's (src/http/session.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock';
import { sha256, tokensEqual } from '../../shared/secrets';
import type { Store } from '../../store/store';

export type Role = 'admin' | 'volunteer';

export const SESSION_HOURS = 12;

export interface ConsoleSession {
  idHash: string;
  role: Role;
  csrf: string;
  expiresAt: string;
}

export interface SessionDeps {
  store: Store;
  clock: Clock;
  /** The token that signs a role in today (config), or undefined when the role is disabled. */
  currentToken(role: Role): string | undefined;
}

const hex = (s: string) => sha256(s).toString('hex');

/** Ties a session to the token value that opened it, without storing the token. */
function tokenDigest(token: string): string {
  return hex(`rallytext-console-token:${token}`);
}

export class ConsoleSessions {
  constructor(private readonly deps: SessionDeps) {}

  /** Starts a session for a token already checked; returns the cookie value to hand out. */
  async start(role: Role, token: string): Promise<{ cookieValue: string; session: ConsoleSession }> {
    const cookieValue = randomBytes(32).toString('base64url');
    const now = this.deps.clock.now();
    const session: ConsoleSession = {
      idHash: hex(cookieValue),
      role,
      csrf: randomBytes(32).toString('base64url'),
      expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString(),
    };
    await this.deps.store.sessions.start(
      { id_hash: session.idHash, role, token_digest: tokenDigest(token), csrf: session.csrf, created_at: now.toISOString(), expires_at: session.expiresAt },
      now,
    );
    return { cookieValue, session };
  }

  /** The live session a cookie value names, or null (unknown, expired, or its token was rotated). */
  async find(cookieValue: string): Promise<ConsoleSession | null> {
    if (cookieValue.length > 128) return null;
    const row = await this.deps.store.sessions.find(hex(cookieValue));
    if (!row) return null;
    const token = this.deps.currentToken(row.role);
    if (!token || row.expires_at <= this.deps.clock.now().toISOString() || !tokensEqual(row.token_digest, tokenDigest(token))) return null;
    return { idHash: row.id_hash, role: row.role, csrf: row.csrf, expiresAt: row.expires_at };
  }

  end(session: ConsoleSession): Promise<void> {
    return this.deps.store.sessions.end(session.idHash);
  }
}
