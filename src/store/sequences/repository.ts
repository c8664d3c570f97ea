/**
 * What use cases may ask of follow-up sequences: save, read (with counts), delete; a contact's
 * schedule; and the scheduler's one unit of work, `runDue`: claim the rows that are due, decide
 * each (core/sequences.ts decideDue), and hand the messages to the outbox, in one transaction.
 */
import type { SendWindow } from '../../core/quiet-hours';
import type { SequenceSpec } from '../../core/sequences';

export interface SequenceCounts {
  scheduled: number;
  sent: number;
  skipped: number;
}

export interface SequenceView {
  id: string;
  campaignId: string;
  name: string;
  trigger: SequenceSpec['trigger'];
  /** trigger "date": the contact field holding the date. */
  field?: string;
  steps: SequenceSpec['steps'];
  active: boolean;
  createdAt: string;
  updatedAt: string;
  counts: SequenceCounts;
  /** The next due message, if any. */
  nextDueAt: string | null;
}

export interface ScheduleEntry {
  sequenceId: string;
  sequenceName: string;
  stepIndex: number;
  occurrence: number;
  dueAt: string;
  status: 'scheduled' | 'sent' | 'skipped';
  reason: string | null;
}

export interface DueRun {
  now: Date;
  limit: number;
  window: SendWindow | null;
  footer: string | null;
  linkBase: string;
  newId: () => string;
}

export interface DueReport {
  claimed: number;
  queued: number;
  skipped: number;
  deferred: number;
}

export interface SequencesRepository {
  /** Saves it; a date-timed one schedules the campaign's members who already have the date (`newId` for their rows). */
  create(id: string, spec: SequenceSpec, now: Date, newId: () => string): Promise<SequenceView>;
  /** Replaces the definition; messages not yet sent take the new timing and text, sent ones stay as they were. */
  update(id: string, spec: SequenceSpec, now: Date, newId: () => string): Promise<SequenceView>;
  /** Deactivates it: every message not yet sent is skipped. */
  remove(id: string, now: Date): Promise<SequenceView>;
  get(id: string): Promise<SequenceView | undefined>;
  list(campaignId?: string): Promise<SequenceView[]>;
  contactSchedule(contactId: string): Promise<ScheduleEntry[]>;
  /** Claims and handles up to `limit` due rows (SKIP LOCKED on PostgreSQL); a second dispatcher takes others. */
  runDue(run: DueRun): Promise<DueReport>;
  /** PAUSE / SKIP: no reminders for this contact until `until`. */
  pause(contactId: string, until: Date, now: Date): Promise<void>;
  /**
   * What each campaign's active sequences are timed from ('joined', 'completed', 'pledged', or
   * `date:<field>`), by campaign id: the campaign registry keeps it, so a text skips the sequences
   * lookup when nothing could be scheduled. Saving or deleting a sequence bumps the campaigns
   * version, so every process reloads it.
   */
  activeTriggers(): Promise<Map<string, Set<string>>>;
}
