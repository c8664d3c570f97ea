/** What use cases may ask of stored console sessions. Asynchronous so that every engine can implement it. */
import type { Selectable } from 'kysely';
import type { ConsoleSessionsTable } from './tables';

export type StoredSession = Selectable<ConsoleSessionsTable>;

export interface SessionsRepository {
  /** Stores a new session and, in the same transaction, deletes those expired at `now`. */
  start(session: StoredSession, now: Date): Promise<void>;
  find(idHash: string): Promise<StoredSession | undefined>;
  end(idHash: string): Promise<void>;
}
