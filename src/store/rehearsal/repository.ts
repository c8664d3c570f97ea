/**
 * The rehearsal simulator's persistence: its phone numbers are contacts flagged is_test = 1 (kept
 * out of counts, exports, broadcasts and the live screen), and its conversation log is read back
 * from the same inbound and outbound rows a real text writes.
 */
import type { IdGenerator } from '../../core/clock';

export interface Bubble {
  /** me: the simulated phone; them: the gateway's reply. */
  from: 'me' | 'them';
  body: string;
  /** A reply the opt-out gate refused (never sent to a real phone). */
  suppressed: boolean;
  at: string;
}

export interface RehearsalRepository {
  /**
   * Flags the number as a test contact before the simulator texts from it. Refuses a number that
   * already belongs to a real supporter: rehearsing as them would hide them from every count.
   */
  claimTestNumber(phone: string, run: { now: Date; newId: IdGenerator }): Promise<'ok' | 'real_contact'>;
  /** The last `limit` texts between a test number and a sender, oldest first, with their replies. */
  log(phone: string, sender: string, limit?: number): Promise<Bubble[]>;
}
