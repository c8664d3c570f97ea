/** The console sessions repository (both engines); the lookup runs on every console request, so it is prepared once. */
import { param, query } from '../query';
import { get, run, type Runner, type Work } from '../work';
import type { UserRole, UserStatus } from '../people/tables';
import type { FoundSession, SessionsRepository, StoredSession } from './repository';

type Row = StoredSession & {
  user_id: string | null; user_email: string | null; user_name: string | null; user_role: UserRole | null; user_status: UserStatus | null;
};

const FIND = query<Row, { idHash: string }>((k) =>
  k
    .selectFrom('console_sessions as s')
    .leftJoin('session_users as su', 'su.session_id_hash', 's.id_hash')
    .leftJoin('users as u', 'u.id', 'su.user_id')
    .selectAll('s')
    .select(['u.id as user_id', 'u.email as user_email', 'u.name as user_name', 'u.role as user_role', 'u.status as user_status'])
    .where('s.id_hash', '=', param<string>('idHash')),
);

export class SessionsStore implements SessionsRepository {
  constructor(private readonly db: Runner) {}

  async start(session: StoredSession, now: Date, userId?: string): Promise<void> {
    const k = this.db.k;
    await this.db.tx(
      (function* (): Work<void> {
        yield* run(k.deleteFrom('console_sessions').where('expires_at', '<=', now.toISOString()));
        yield* run(k.insertInto('console_sessions').values(session));
        if (userId !== undefined) yield* run(k.insertInto('session_users').values({ session_id_hash: session.id_hash, user_id: userId }));
      })(),
    );
  }

  async find(idHash: string): Promise<FoundSession | undefined> {
    const row = await this.db.read(get(FIND, { idHash }));
    if (!row) return undefined;
    const { user_id, user_email, user_name, user_role, user_status, ...session } = row;
    const user = user_id !== null && user_email !== null && user_role !== null && user_status !== null
      ? { id: user_id, email: user_email, name: user_name, role: user_role, status: user_status }
      : null;
    return { ...session, user };
  }

  async end(idHash: string): Promise<void> {
    await this.db.read(run(this.db.k.deleteFrom('console_sessions').where('id_hash', '=', idHash)));
  }
}
