/** The people repository (both engines; Kysely, engine-neutral statements). */
import type { Kysely } from 'kysely';
import type { DB } from '../database';
import { all, first, run, type Runner, type Work } from '../work';
import type { AcceptOutcome, InviteOutcome, InviteWrite, PeopleRepository } from './repository';
import type { User, UserInvite, UserRole } from './tables';

function* endSessions(k: Kysely<DB>, userId: string): Work<void> {
  yield* run(
    k.deleteFrom('console_sessions').where('id_hash', 'in', k.selectFrom('session_users').select('session_id_hash').where('user_id', '=', userId)),
  );
}

export class PeopleStore implements PeopleRepository {
  constructor(private readonly db: Runner) {}

  invite(w: InviteWrite): Promise<InviteOutcome> {
    const k = this.db.k;
    return this.db.tx(
      (function* (): Work<InviteOutcome> {
        const existing = yield* first(k.selectFrom('users').selectAll().where('email', '=', w.email));
        if (existing?.status === 'active') return { outcome: 'already_active', user: existing };
        let userId: string;
        if (existing) {
          userId = existing.id;
          yield* run(k.updateTable('users').set({ role: w.role, invited_by: w.createdBy, updated_at: w.at }).where('id', '=', userId));
          yield* run(k.deleteFrom('user_invites').where('user_id', '=', userId).where('used_at', 'is', null));
        } else {
          userId = w.newUserId;
          yield* run(
            k.insertInto('users').values({
              id: userId, email: w.email, name: null, role: w.role, status: 'invited', password_hash: null,
              invited_by: w.createdBy, created_at: w.at, updated_at: w.at,
            }),
          );
        }
        yield* run(
          k.insertInto('user_invites').values({
            token_hash: w.tokenHash, user_id: userId, created_by: w.createdBy, created_at: w.at, expires_at: w.expiresAt, used_at: null,
          }),
        );
        return { outcome: 'invited', user: (yield* first(k.selectFrom('users').selectAll().where('id', '=', userId)))! };
      })(),
    );
  }

  findInvite(tokenHash: string): Promise<{ invite: UserInvite; user: User } | undefined> {
    const k = this.db.k;
    return this.db.read(
      (function* (): Work<{ invite: UserInvite; user: User } | undefined> {
        const invite = yield* first(k.selectFrom('user_invites').selectAll().where('token_hash', '=', tokenHash));
        if (!invite) return undefined;
        const user = yield* first(k.selectFrom('users').selectAll().where('id', '=', invite.user_id));
        return user ? { invite, user } : undefined;
      })(),
    );
  }

  acceptInvite(tokenHash: string, name: string, passwordHash: string, at: string): Promise<AcceptOutcome> {
    const k = this.db.k;
    return this.db.tx(
      (function* (): Work<AcceptOutcome> {
        const invite = yield* first(k.selectFrom('user_invites').selectAll().where('token_hash', '=', tokenHash));
        if (!invite) return { outcome: 'unknown' };
        if (invite.used_at !== null) return { outcome: 'used' };
        if (invite.expires_at <= at) return { outcome: 'expired' };
        yield* run(k.updateTable('user_invites').set({ used_at: at }).where('token_hash', '=', tokenHash));
        yield* run(
          k.updateTable('users').set({ name, password_hash: passwordHash, status: 'active', updated_at: at }).where('id', '=', invite.user_id),
        );
        yield* endSessions(k, invite.user_id);
        return { outcome: 'accepted', user: (yield* first(k.selectFrom('users').selectAll().where('id', '=', invite.user_id)))! };
      })(),
    );
  }

  findByEmail(email: string): Promise<User | undefined> {
    return this.db.read(first(this.db.k.selectFrom('users').selectAll().where('email', '=', email)));
  }

  findById(id: string): Promise<User | undefined> {
    return this.db.read(first(this.db.k.selectFrom('users').selectAll().where('id', '=', id)));
  }

  list(): Promise<User[]> {
    return this.db.read(all(this.db.k.selectFrom('users').selectAll().orderBy('role', 'asc').orderBy('email', 'asc')));
  }

  signedIn(role: UserRole, now: string): Promise<User[]> {
    const k = this.db.k;
    return this.db.read(all(
      k
        .selectFrom('users as u')
        .selectAll('u')
        .where('u.role', '=', role)
        .where('u.status', '=', 'active')
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('session_users as su')
              .innerJoin('console_sessions as s', 's.id_hash', 'su.session_id_hash')
              .select('su.user_id')
              .whereRef('su.user_id', '=', 'u.id')
              .where('s.expires_at', '>', now),
          ),
        )
        .orderBy('u.name', 'asc')
        .orderBy('u.email', 'asc'),
    ));
  }

  setStatus(id: string, status: 'active' | 'disabled', at: string): Promise<User | undefined> {
    const k = this.db.k;
    return this.db.tx(
      (function* (): Work<User | undefined> {
        const user = yield* first(k.selectFrom('users').selectAll().where('id', '=', id));
        if (!user) return undefined;
        // Re-enabling a person who never set a password leaves them invited.
        const next = status === 'active' && user.password_hash === null ? 'invited' : status;
        yield* run(k.updateTable('users').set({ status: next, updated_at: at }).where('id', '=', id));
        if (status === 'disabled') {
          yield* endSessions(k, id);
          yield* run(k.deleteFrom('user_invites').where('user_id', '=', id).where('used_at', 'is', null));
        }
        return { ...user, status: next, updated_at: at };
      })(),
    );
  }

  async setPasswordHash(id: string, passwordHash: string, at: string, keepSessions = false): Promise<void> {
    const k = this.db.k;
    await this.db.tx(
      (function* (): Work<void> {
        yield* run(k.updateTable('users').set({ password_hash: passwordHash, updated_at: at }).where('id', '=', id));
        if (!keepSessions) yield* endSessions(k, id);
      })(),
    );
  }
}
