/**
 * Console sessions. Signing in — with the organizer or volunteer token, or as a person with their
 * email and password — starts a session: a random id (the cookie value; only its SHA-256 is
 * stored), a per-session CSRF token, and either a digest of the token used to sign in (rotating
 * ADMIN_TOKEN / VOLUNTEER_TOKEN ends every session it opened) or the person it belongs to (their
 * current role applies on every request; disabling them or setting their password deletes their
 * sessions, and a session of a person who is not active is refused anyway). Sessions last 12
 * hours. Cookies and CSRF checks are the HTTP adapter's (src/http/session.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock';
import { sha256, tokensEqual } from '../../shared/secrets';
import type { Store } from '../../store/store';
import { tokenActor, userActor, type Actor, type Role } from './actor';

export type { Role };

export const SESSION_HOURS = 12;

export interface ConsoleSession {
  idHash: string;
  role: Role;
  csrf: string;
  expiresAt: string;
  /** Who this session acts as: the token's pseudo-person or the signed-in person. */
  actor: Actor;
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

  private async open(role: Role, digest: string, actor: Actor, userId?: string): Promise<{ cookieValue: string; session: ConsoleSession }> {
    const cookieValue = randomBytes(32).toString('base64url');
    const now = this.deps.clock.now();
    const session: ConsoleSession = {
      idHash: hex(cookieValue),
      role,
      csrf: randomBytes(32).toString('base64url'),
      expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString(),
      actor,
    };
    await this.deps.store.sessions.start(
      { id_hash: session.idHash, role, token_digest: digest, csrf: session.csrf, created_at: now.toISOString(), expires_at: session.expiresAt },
      now,
      userId,
    );
    return { cookieValue, session };
  }

  /** Starts a session for a token already checked; returns the cookie value to hand out. */
  start(role: Role, token: string): Promise<{ cookieValue: string; session: ConsoleSession }> {
    return this.open(role, tokenDigest(token), tokenActor(role));
  }

  /** Starts a session for a person whose password was just checked. */
  startForUser(user: { id: string; email: string; name: string | null; role: Role }): Promise<{ cookieValue: string; session: ConsoleSession }> {
    return this.open(user.role, hex(`rallytext-console-user:${user.id}`), userActor(user), user.id);
  }

  /** The live session a cookie value names, or null (unknown, expired, its token rotated, or its person no longer active). */
  async find(cookieValue: string): Promise<ConsoleSession | null> {
    if (cookieValue.length > 128) return null;
    const row = await this.deps.store.sessions.find(hex(cookieValue));
    if (!row || row.expires_at <= this.deps.clock.now().toISOString()) return null;
    const base = { idHash: row.id_hash, csrf: row.csrf, expiresAt: row.expires_at };
    if (row.user) {
      if (row.user.status !== 'active') return null;
      return { ...base, role: row.user.role, actor: userActor(row.user) };
    }
    const token = this.deps.currentToken(row.role);
    if (!token || !tokensEqual(row.token_digest, tokenDigest(token))) return null;
    return { ...base, role: row.role, actor: tokenActor(row.role) };
  }

  end(session: ConsoleSession): Promise<void> {
    return this.deps.store.sessions.end(session.idHash);
  }
}
