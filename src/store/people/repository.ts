/**
 * What the people use case asks of the store: accounts, one-time invites, and ending a person's
 * sessions. Each method is one unit of work (its own transaction).
 */
import type { User, UserInvite, UserRole } from './tables';

export interface InviteWrite {
  email: string;
  role: UserRole;
  /** Used only when no account has this email yet. */
  newUserId: string;
  tokenHash: string;
  createdBy: string;
  at: string;
  expiresAt: string;
}

export type InviteOutcome =
  | { outcome: 'invited'; user: User }
  /** The email belongs to an account that is active: nothing written. */
  | { outcome: 'already_active'; user: User };

export type AcceptOutcome =
  | { outcome: 'accepted'; user: User }
  | { outcome: 'unknown' | 'used' | 'expired' };

export interface PeopleRepository {
  /**
   * Creates the account (status invited) or, for an invited or disabled one, sets the role given;
   * stores the invite and voids that person's earlier unused invites. One transaction.
   */
  invite(w: InviteWrite): Promise<InviteOutcome>;
  /** The invite and its person, by the token's hash. */
  findInvite(tokenHash: string): Promise<{ invite: UserInvite; user: User } | undefined>;
  /**
   * Uses the invite (once, before it expires): sets the name and password hash, makes the account
   * active and ends the person's sessions. One transaction.
   */
  acceptInvite(tokenHash: string, name: string, passwordHash: string, at: string): Promise<AcceptOutcome>;
  findByEmail(email: string): Promise<User | undefined>;
  findById(id: string): Promise<User | undefined>;
  /** Everyone, organizers first, then by email. */
  list(): Promise<User[]>;
  /** Sets the status; disabling also deletes the person's sessions and unused invites. Undefined: no such person. */
  setStatus(id: string, status: 'active' | 'disabled', at: string): Promise<User | undefined>;
  /**
   * Active people of this role with a console session that has not expired at `now` (signed in
   * and not signed out), by name then email. Token sessions belong to no one and are not counted.
   */
  signedIn(role: UserRole, now: string): Promise<User[]>;
  /** Replaces the password hash and ends the person's sessions (a password change, or a rehash with stronger params when `keepSessions`). */
  setPasswordHash(id: string, passwordHash: string, at: string, keepSessions?: boolean): Promise<void>;
}
