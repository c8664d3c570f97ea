/** The console sessions repository (both engines); the lookup runs on every console request, so it is prepared once. */
import { param, query } from '../query';
import { get, run, type Runner, type Work } from '../work';
import type { SessionsRepository, StoredSession } from './repository';

const FIND = query<StoredSession, { idHash: string }>((k) =>
  k.selectFrom('console_sessions').selectAll().where('id_hash', '=', param<string>('idHash')),
);

export class SessionsStore implements SessionsRepository {
  constructor(private readonly db: Runner) {}

  async start(session: StoredSession, now: Date): Promise<void> {
    const k = this.db.k;
    await this.db.tx(
      (function* (): Work<void> {
        yield* run(k.deleteFrom('console_sessions').where('expires_at', '<=', now.toISOString()));
        yield* run(k.insertInto('console_sessions').values(session));
      })(),
    );
  }

  async find(idHash: string): Promise<StoredSession | undefined> {
    return this.db.read(get(FIND, { idHash }));
  }

  async end(idHash: string): Promise<void> {
    await this.db.read(run(this.db.k.deleteFrom('console_sessions').where('id_hash', '=', idHash)));
  }
}
