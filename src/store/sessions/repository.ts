/** What use cases may ask of stored console sessions. Asynchronous so that every engine can implement it. */
import type { Selectable } from 'kysely';
import type { User } from '../people/tables';
import type { ConsoleSessionsTable } from './tables';

export type StoredSession = Selectable<ConsoleSessionsTable>;

/** A session as found: for a person's session, the person as they are now (role, status). */
export type FoundSession = StoredSession & { user: Pick<User, 'id' | 'email' | 'name' | 'role' | 'status'> | null };

export interface SessionsRepository {
  /**
   * Stores a new session (tied to a person when `userId` is given) and, in the same transaction,
   * deletes those expired at `now`.
   */
  start(session: StoredSession, now: Date, userId?: string): Promise<void>;
  find(idHash: string): Promise<FoundSession | undefined>;
  end(idHash: string): Promise<void>;
}
