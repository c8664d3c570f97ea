/**
 * What several gateway processes on one database share beyond its tables (PostgreSQL; SQLite has
 * one gateway process per file and needs none of it, so its store has no `crossProcess`):
 * signals between the processes (LISTEN/NOTIFY) and the per-number flood buckets they all take from.
 */
import type { FloodCheck } from '../core/flood';

/** `live`: a campaign's numbers changed (payload: its id); `campaigns`: campaigns were changed (reload them). */
export type SignalChannel = 'live' | 'campaigns';

export interface ProcessSignals {
  /**
   * Tells the other processes (not this one), coalesced: the same payload published many times
   * within a short window goes out once. A no-op until the listener runs (Store.startUpkeep).
   */
  publish(channel: SignalChannel, payload: string): void;
  /**
   * Runs `handler` for each signal another process sent. After the listening connection was lost
   * and made again (signals may have been missed meanwhile), `handler` runs with payload null.
   */
  on(channel: SignalChannel, handler: (payload: string | null) => void): void;
}

export interface CrossProcess {
  signals: ProcessSignals;
  /** The per-number inbound limit, shared by every process on the database. */
  flood(perMinute: number): FloodCheck;
}

/**
 * PostgreSQL: the SQL for a channel's name in the connection's schema (several campaigns or test
 * runs may share one database), for pg_notify; src/store/postgres/signals.ts listens on it.
 */
export function channelSql(channel: SignalChannel): string {
  return `'rallytext_${channel}_' || left(md5(current_schema()), 12)`;
}
