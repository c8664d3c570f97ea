/** The console sessions repository on SQLite; the lookup runs on every console request, so it is prepared once. */
import { param, query } from '../query';
import type { SqliteDb } from '../sqlite/db';
import type { SessionsRepository, StoredSession } from './repository';

const FIND = query<StoredSession, { idHash: string }>((k) =>
  k.selectFrom('console_sessions').selectAll().where('id_hash', '=', param<string>('idHash')),
);

export class SqliteSessions implements SessionsRepository {
  constructor(private readonly db: SqliteDb) {}

  async start(session: StoredSession, now: Date): Promise<void> {
    const { db } = this;
    db.tx(() => {
      db.run(db.db.deleteFrom('console_sessions').where('expires_at', '<=', now.toISOString()));
      db.run(db.db.insertInto('console_sessions').values(session));
    });
  }

  async find(idHash: string): Promise<StoredSession | undefined> {
    return this.db.get(FIND, { idHash });
  }

  async end(idHash: string): Promise<void> {
    this.db.run(this.db.db.deleteFrom('console_sessions').where('id_hash', '=', idHash));
  }
}
