/**
 * What the broadcast use cases (organizers' service, dispatcher housekeeping, preview) may ask of
 * the store. Every method is one unit of work and asynchronous, so a PostgreSQL engine can
 * implement it; the SQLite engine is src/store/broadcasts/sqlite.ts.
 */
import type { Lang } from '../../core/language';
import type { Updateable } from 'kysely';
import type { Audience, AudienceMember } from '../../core/audience';
import type { Broadcast, BroadcastStatus, BroadcastsTable, RecipientStatus } from './tables';

export type { Broadcast, BroadcastStatus, RecipientStatus } from './tables';

export interface NewBroadcast {
  id: string;
  name: string;
  template: string;
  audienceJson: string;
  footer: boolean;
  sendAt: string | null;
  /** A broadcast that asks: its flow (JSON); null for a plain text. */
  flowJson: string | null;
  /** The text per language (JSON); null or absent: `template` for everyone. */
  templatesJson?: string | null;
}

/** How many recipients gave each answer to each step of a broadcast's flow. */
export interface AnswerCountRow {
  stepId: string;
  value: string;
  n: number;
}

export type BroadcastChanges = Updateable<BroadcastsTable>;

/** What a broadcast text needs from the campaign it is sent for. */
export interface CampaignInfo {
  programName: string;
  sender: string;
  /** The campaign's languages, default first (issue 16). */
  languages?: Lang[];
  /** The campaign's donation URL template (issue 14): its recipients' {{donation_link}} is a tracked link to it; null: empty. */
  donationUrl?: string | null;
}

/** A campaign an audience may name, for the composer's checkboxes. */
export interface CampaignChoice {
  id: string;
  name: string;
  /** Its first keyword ('' when it has none). */
  keyword: string;
}

/** A recipient row as it goes into the snapshot. */
export interface SnapshotRow {
  contactId: string;
  campaignId: string;
  keyword: string;
  timeZone: string;
}

export interface RecipientCountRows {
  byStatus: { status: RecipientStatus; timeZone: string; n: number }[];
  errors: { code: number; n: number }[];
}

export interface RecipientPageQuery {
  status?: RecipientStatus;
  /** Continue after this seq (0: from the start). */
  after: number;
  limit: number;
}

export interface RecipientListRow {
  seq: number;
  contactId: string;
  phone: string;
  firstName: string | null;
  campaignId: string;
  status: RecipientStatus;
  twilioSid: string | null;
  errorCode: number | null;
  segments: number | null;
  attempts: number;
  timeZone: string;
  sentAt: string | null;
  updatedAt: string;
}

export interface BroadcastRepository {
  insert(b: NewBroadcast, now: string): Promise<Broadcast>;
  find(id: string): Promise<Broadcast | undefined>;
  /** The broadcast, or AppError not_found. */
  get(id: string): Promise<Broadcast>;
  /** Newest first. */
  list(limit?: number): Promise<Broadcast[]>;
  /**
   * Move a broadcast to `to` when it is in one of `from`, else AppError conflict: two organizers
   * clicking at once cannot both win.
   */
  transition(
    id: string, from: readonly BroadcastStatus[], to: BroadcastStatus, set: BroadcastChanges, now: string,
    /** Replace the broadcast's flow in the same transaction (json null: it no longer asks). */
    flow?: { json: string | null },
  ): Promise<Broadcast>;
  /** The flow of a broadcast that asks (JSON), or null. */
  flowOf(id: string): Promise<string | null>;
  /** Answers so far, per step and value. */
  answerCounts(id: string): Promise<AnswerCountRow[]>;
  /** Cancel (guarded like `transition`) and mark every recipient not yet sent canceled, at once. */
  cancel(id: string, from: readonly BroadcastStatus[], now: string): Promise<Broadcast>;
  withStatus(status: BroadcastStatus): Promise<Broadcast[]>;
  /** Scheduled broadcasts whose time has come. */
  dueScheduled(now: string): Promise<Broadcast[]>;
  /** Record that the audience snapshot is complete (once). */
  markSnapshotted(id: string, recipients: number, now: string): Promise<void>;
  /** Anything left to send or to look up for this broadcast? */
  hasWorkLeft(id: string): Promise<boolean>;

  /** Which of these campaigns exist, and are they active. */
  campaignStates(ids: readonly string[]): Promise<{ id: string; active: boolean }[]>;
  /** Keywords (and aliases) among `words` of these campaigns, with the primary word each maps to. */
  keywordsOf(campaignIds: readonly string[], words: readonly string[]): Promise<{ word: string; primaryWord: string }[]>;
  campaignInfo(ids: readonly string[]): Promise<Map<string, CampaignInfo>>;
  campaignChoices(): Promise<CampaignChoice[]>;

  /** Distinct contacts the audience reaches now. */
  countAudience(a: Audience): Promise<number>;
  /** One page of the audience in contact-id order, one member per contact, after `afterContactId`. */
  audiencePage(a: Audience, afterContactId: string, limit: number): Promise<AudienceMember[]>;
  /** Highest snapshot sequence number so far (0: none). */
  maxSeq(broadcastId: string): Promise<number>;
  /** Add recipients to the snapshot with seq from `firstSeq`; rows already there are left alone. */
  addRecipients(broadcastId: string, rows: readonly SnapshotRow[], firstSeq: number, now: string): Promise<void>;
  countRecipients(broadcastId: string): Promise<number>;
  recipientCounts(broadcastId: string): Promise<RecipientCountRows>;
  /** Recipients in send order, paged by seq. */
  recipients(broadcastId: string, q: RecipientPageQuery): Promise<RecipientListRow[]>;
}
