/** The people repository on SQLite (Kysely, engine-neutral statements). */
import type { SqliteDb } from '../sqlite/db';
import type { AcceptOutcome, InviteOutcome, InviteWrite, PeopleRepository } from './repository';
import type { User, UserInvite, UserRole } from './tables';

export class SqlitePeople implements PeopleRepository {
  constructor(private readonly db: SqliteDb) {}

  private endSessions(userId: string): void {
    const k = this.db.db;
    this.db.run(
      k.deleteFrom('console_sessions').where('id_hash', 'in', k.selectFrom('session_users').select('session_id_hash').where('user_id', '=', userId)),
    );
  }

  async invite(w: InviteWrite): Promise<InviteOutcome> {
    const { db } = this;
    const k = db.db;
    return db.tx(() => {
      const existing = db.first(k.selectFrom('users').selectAll().where('email', '=', w.email));
      if (existing?.status === 'active') return { outcome: 'already_active', user: existing };
      let userId: string;
      if (existing) {
        userId = existing.id;
        db.run(k.updateTable('users').set({ role: w.role, invited_by: w.createdBy, updated_at: w.at }).where('id', '=', userId));
        db.run(k.deleteFrom('user_invites').where('user_id', '=', userId).where('used_at', 'is', null));
      } else {
        userId = w.newUserId;
        db.run(
          k.insertInto('users').values({
            id: userId, email: w.email, name: null, role: w.role, status: 'invited', password_hash: null,
            invited_by: w.createdBy, created_at: w.at, updated_at: w.at,
          }),
        );
      }
      db.run(
        k.insertInto('user_invites').values({
          token_hash: w.tokenHash, user_id: userId, created_by: w.createdBy, created_at: w.at, expires_at: w.expiresAt, used_at: null,
        }),
      );
      return { outcome: 'invited', user: db.first(k.selectFrom('users').selectAll().where('id', '=', userId))! };
    });
  }

  async findInvite(tokenHash: string): Promise<{ invite: UserInvite; user: User } | undefined> {
    const k = this.db.db;
    const invite = this.db.first(k.selectFrom('user_invites').selectAll().where('token_hash', '=', tokenHash));
    if (!invite) return undefined;
    const user = this.db.first(k.selectFrom('users').selectAll().where('id', '=', invite.user_id));
    return user ? { invite, user } : undefined;
  }

  async acceptInvite(tokenHash: string, name: string, passwordHash: string, at: string): Promise<AcceptOutcome> {
    const { db } = this;
    const k = db.db;
    return db.tx((): AcceptOutcome => {
      const invite = db.first(k.selectFrom('user_invites').selectAll().where('token_hash', '=', tokenHash));
      if (!invite) return { outcome: 'unknown' };
      if (invite.used_at !== null) return { outcome: 'used' };
      if (invite.expires_at <= at) return { outcome: 'expired' };
      db.run(k.updateTable('user_invites').set({ used_at: at }).where('token_hash', '=', tokenHash));
      db.run(
        k.updateTable('users').set({ name, password_hash: passwordHash, status: 'active', updated_at: at }).where('id', '=', invite.user_id),
      );
      this.endSessions(invite.user_id);
      return { outcome: 'accepted', user: db.first(k.selectFrom('users').selectAll().where('id', '=', invite.user_id))! };
    });
  }

  async findByEmail(email: string): Promise<User | undefined> {
    return this.db.first(this.db.db.selectFrom('users').selectAll().where('email', '=', email));
  }

  async findById(id: string): Promise<User | undefined> {
    return this.db.first(this.db.db.selectFrom('users').selectAll().where('id', '=', id));
  }

  async list(): Promise<User[]> {
    return this.db.all(this.db.db.selectFrom('users').selectAll().orderBy('role', 'asc').orderBy('email', 'asc'));
  }

  async signedIn(role: UserRole, now: string): Promise<User[]> {
    const k = this.db.db;
    return this.db.all(
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
    );
  }

  async setStatus(id: string, status: 'active' | 'disabled', at: string): Promise<User | undefined> {
    const { db } = this;
    const k = db.db;
    return db.tx(() => {
      const user = db.first(k.selectFrom('users').selectAll().where('id', '=', id));
      if (!user) return undefined;
      // Re-enabling a person who never set a password leaves them invited.
      const next = status === 'active' && user.password_hash === null ? 'invited' : status;
      db.run(k.updateTable('users').set({ status: next, updated_at: at }).where('id', '=', id));
      if (status === 'disabled') {
        this.endSessions(id);
        db.run(k.deleteFrom('user_invites').where('user_id', '=', id).where('used_at', 'is', null));
      }
      return { ...user, status: next, updated_at: at };
    });
  }

  async setPasswordHash(id: string, passwordHash: string, at: string, keepSessions = false): Promise<void> {
    const { db } = this;
    db.tx(() => {
      db.run(db.db.updateTable('users').set({ password_hash: passwordHash, updated_at: at }).where('id', '=', id));
      if (!keepSessions) this.endSessions(id);
    });
  }
}
