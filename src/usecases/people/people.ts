/**
 * People accounts: organizers invite people by a one-time link (printed by the CLI, shown in the
 * console), the person sets their name and password on it, and signs in as themselves. Only the
 * SHA-256 of an invite token is stored; an invite works once and expires after INVITE_DAYS.
 * Disabling a person ends their sessions; so does setting their password again (a new invite).
 * Every change here is written to the audit log by the one who made it.
 */
import { randomBytes } from 'node:crypto';
import type { Clock, IdGenerator } from '../../core/clock';
import { cleanText } from '../../core/text';
import { AppError } from '../../shared/errors';
import { sha256 } from '../../shared/secrets';
import type { Store } from '../../store/store';
import type { User } from '../../store/people/tables';

export type { User };
import type { AuditLog } from '../audit/audit';
import { roleLabel, userIdOf, type Actor } from '../sessions/actor';
import type { Role } from '../sessions/sessions';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, needsRehash, verifyPassword } from './passwords';

export const INVITE_DAYS = 7;
export const MAX_EMAIL_LENGTH = 254;
export const MAX_NAME_LENGTH = 100;

export interface PeopleDeps {
  store: Pick<Store, 'people'>;
  audit: AuditLog;
  clock: Clock;
  newId: IdGenerator;
  /** Where invite links point (PUBLIC_BASE_URL). */
  publicBaseUrl: string;
}

export interface PersonView {
  id: string;
  email: string;
  name: string | null;
  role: 'organizer' | 'volunteer';
  status: User['status'];
  createdAt: string;
}

export interface Invitation {
  person: PersonView;
  /** The one-time link: shown once, never stored. */
  url: string;
  expiresAt: string;
}

export function personView(u: User): PersonView {
  return { id: u.id, email: u.email, name: u.name, role: roleLabel(u.role), status: u.status, createdAt: u.created_at };
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** Trimmed, lower-cased, checked; throws a 400 naming the field. */
export function normalEmail(given: unknown, field = 'email'): string {
  const email = typeof given === 'string' ? given.trim().toLowerCase() : '';
  if (email === '' || email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) {
    throw new AppError('validation_failed', 'enter an email address such as sam@example.org', [{ path: field, message: 'must be an email address' }]);
  }
  return email;
}

/** 'organizer' | 'volunteer' (what people say) → the internal role; 'admin' is accepted too. */
export function parseRole(given: unknown): Role {
  if (given === 'organizer' || given === 'admin') return 'admin';
  if (given === 'volunteer') return 'volunteer';
  throw new AppError('validation_failed', 'role must be organizer or volunteer', [{ path: 'role', message: 'must be organizer or volunteer' }]);
}

/** Problems with a new password, as field messages (empty when it is acceptable). */
export function passwordProblems(password: string, email: string): string[] {
  const problems: string[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) problems.push(`must be at least ${MIN_PASSWORD_LENGTH} characters (a few words make a good one)`);
  if (password.length > MAX_PASSWORD_LENGTH) problems.push(`must be at most ${MAX_PASSWORD_LENGTH} characters`);
  if (password.trim().toLowerCase() === email) problems.push('must not be your email address');
  return problems;
}

const tokenHash = (token: string) => sha256(`rallytext-invite:${token}`).toString('hex');

/** An invite token as it may appear in a link (base64url, 32 bytes); anything else is unknown. */
export function isInviteToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export class People {
  constructor(private readonly deps: PeopleDeps) {}

  async list(): Promise<PersonView[]> {
    return (await this.deps.store.people.list()).map(personView);
  }

  async byEmail(emailGiven: unknown): Promise<PersonView> {
    const user = await this.deps.store.people.findByEmail(normalEmail(emailGiven));
    if (!user) throw new AppError('not_found', 'no one has that email; invite them first');
    return personView(user);
  }

  async invite(actor: Actor, emailGiven: unknown, roleGiven: unknown): Promise<Invitation> {
    if (actor.role !== 'admin') throw new AppError('forbidden', 'only organizers may invite people');
    const email = normalEmail(emailGiven);
    const role = parseRole(roleGiven);
    const token = randomBytes(32).toString('base64url');
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + INVITE_DAYS * 86_400_000).toISOString();
    const result = await this.deps.store.people.invite({
      email, role, newUserId: this.deps.newId(), tokenHash: tokenHash(token), createdBy: actor.id, at: now.toISOString(), expiresAt,
    });
    if (result.outcome === 'already_active') {
      throw new AppError('conflict', `${email} already has an account; disable it first to send a new invite`);
    }
    await this.deps.audit.record({
      actor, action: 'person.invited', target: { type: 'person', id: result.user.id }, details: { email, role: roleLabel(role), expiresAt },
    });
    return { person: personView(result.user), url: `${this.deps.publicBaseUrl}/join/${token}`, expiresAt };
  }

  /** The person an invite link is for, or a 4xx saying why it cannot be used. */
  async openInvite(token: string): Promise<PersonView> {
    const found = isInviteToken(token) ? await this.deps.store.people.findInvite(tokenHash(token)) : undefined;
    if (!found) throw new AppError('not_found', 'This invite link is not valid. Ask an organizer for a new one.');
    if (found.invite.used_at !== null) throw new AppError('conflict', 'This invite link has already been used. Sign in, or ask an organizer for a new one.');
    if (found.invite.expires_at <= this.deps.clock.now().toISOString()) {
      throw new AppError('conflict', 'This invite link has expired. Ask an organizer for a new one.');
    }
    return personView(found.user);
  }

  /** Uses the invite: sets the name and password; returns the person, now active. */
  async acceptInvite(token: string, nameGiven: unknown, passwordGiven: unknown): Promise<User> {
    const person = await this.openInvite(token);
    const name = cleanText(typeof nameGiven === 'string' ? nameGiven : '').trim();
    const password = typeof passwordGiven === 'string' ? passwordGiven : '';
    const problems = [
      ...(name === '' || name.length > MAX_NAME_LENGTH ? [{ path: 'name', message: `must be 1 to ${MAX_NAME_LENGTH} characters` }] : []),
      ...passwordProblems(password, person.email).map((message) => ({ path: 'password', message })),
    ];
    if (problems.length > 0) throw new AppError('validation_failed', 'check the highlighted fields', problems);
    const hash = await hashPassword(password);
    const result = await this.deps.store.people.acceptInvite(tokenHash(token), name, hash, this.deps.clock.now().toISOString());
    if (result.outcome !== 'accepted') throw new AppError('conflict', 'This invite link can no longer be used. Ask an organizer for a new one.');
    const u = result.user;
    await this.deps.audit.record({
      actor: { id: `user:${u.id}`, role: u.role, name: u.name || u.email, email: u.email }, action: 'person.joined', target: { type: 'person', id: u.id }, details: { email: u.email },
    });
    return u;
  }

  /**
   * The active person with this email and password, or null (unknown email, wrong password, or
   * not active). Takes as long for an unknown email. Re-hashes with today's parameters on success.
   */
  async checkPassword(emailGiven: string, password: string): Promise<User | null> {
    const email = emailGiven.trim().toLowerCase();
    if (password.length > MAX_PASSWORD_LENGTH || email.length > MAX_EMAIL_LENGTH) {
      await verifyPassword('', null);
      return null;
    }
    const user = await this.deps.store.people.findByEmail(email);
    const ok = await verifyPassword(password, user?.status === 'active' ? user.password_hash : null);
    if (!ok || !user) return null;
    if (needsRehash(user.password_hash!)) {
      await this.deps.store.people.setPasswordHash(user.id, await hashPassword(password), this.deps.clock.now().toISOString(), true);
    }
    return user;
  }

  /**
   * Sets a new password for the signed-in person (the current one already checked by the caller,
   * through the sign-in throttle); every session of theirs ends, this one included.
   */
  async changePassword(actor: Actor, passwordGiven: unknown): Promise<User> {
    const id = userIdOf(actor);
    const user = id ? await this.deps.store.people.findById(id) : undefined;
    if (!user || user.status !== 'active') throw new AppError('forbidden', 'sign in with your own account to change its password');
    const password = typeof passwordGiven === 'string' ? passwordGiven : '';
    const problems = passwordProblems(password, user.email).map((message) => ({ path: 'password', message }));
    if (problems.length > 0) throw new AppError('validation_failed', 'choose another password', problems);
    await this.deps.store.people.setPasswordHash(user.id, await hashPassword(password), this.deps.clock.now().toISOString());
    await this.deps.audit.record({ actor, action: 'person.password_changed', target: { type: 'person', id: user.id }, details: { email: user.email } });
    return user;
  }

  async setStatus(actor: Actor, id: string, status: 'active' | 'disabled'): Promise<PersonView> {
    if (actor.role !== 'admin') throw new AppError('forbidden', 'only organizers may disable or enable people');
    if (status === 'disabled' && userIdOf(actor) === id) throw new AppError('conflict', 'you cannot disable your own account');
    const user = await this.deps.store.people.setStatus(id, status, this.deps.clock.now().toISOString());
    if (!user) throw new AppError('not_found', 'no such person');
    await this.deps.audit.record({
      actor, action: status === 'disabled' ? 'person.disabled' : 'person.enabled', target: { type: 'person', id }, details: { email: user.email },
    });
    return personView(user);
  }
}
