/**
 * The dispatcher's side of the outbox: texts due for the REST API (replies and system texts queued
 * earlier, first; then broadcast recipients), claimed through the opt-out gate, their results,
 * and the sends whose outcome is unknown. Asynchronous, so PostgreSQL can implement it.
 */
import type { IdGenerator } from '../../core/clock';
import type { LookupOutcome, RecordEffect, ResolveResult, SendOutcome, UnknownWork, WorkItem } from '../../core/sending';
import type { CampaignInfo } from '../broadcasts/repository';
import type { BroadcastTemplates } from '../../core/broadcast-languages';

/** A sending broadcast as the dispatcher claims it. */
export interface BroadcastPlan {
  id: string;
  template: string;
  /** The text per language (issue 16); null or absent: `template` for everyone. */
  templates?: BroadcastTemplates | null;
  footer: string | null;
  campaigns: Map<string, CampaignInfo>;
  /** Where tracked links point (PUBLIC_BASE_URL): a recipient's {{donation_link}} is <linkBase>/l/<code>; absent: empty. */
  linkBase?: string;
}

export interface ClaimBatch {
  items: WorkItem[];
  /** Refused by the outbox gate (opted out or undeliverable since the snapshot). */
  refused: number;
  /** The broadcast is no longer sending (paused, canceled). */
  stopped: boolean;
  /** Nothing more is sendable right now (all taken, in flight, waiting for quiet hours or a retry time). */
  exhausted: boolean;
}

/** A claim's lease: who holds the work and until when. */
export interface Lease {
  owner: string;
  until: string;
}

export interface SendResult {
  item: WorkItem;
  outcome: SendOutcome;
}

/** Per result: what the dispatcher should do, or why it could not be written (it will be reconciled). */
export type Recorded = { ok: true; effect: RecordEffect } | { ok: false; error: string };

export interface OutboxRepository {
  /** The next queued reply or system text (not taken): its id and segments, for the rate limiter. */
  nextReply(now: string): Promise<{ id: string; segments: number } | null>;
  /** Take a queued text: gate, lease, details. null when it is gone, refused, or has no sender. */
  claimReply(id: string, lease: Lease, now: string): Promise<WorkItem | null>;
  /**
   * Take up to `limit` recipients of a sending broadcast (`zones` null: no quiet hours; else the
   * zones open now), each through the opt-out gate, in one transaction.
   */
  claimBulk(plan: BroadcastPlan, zones: readonly string[] | null, limit: number, lease: Lease, ids: IdGenerator, now: string): Promise<ClaimBatch>;
  /** Write what the provider answered, many results per transaction. */
  recordResults(results: readonly SendResult[], ids: IdGenerator, now: string): Promise<Recorded[]>;
  /** Work left in flight by a dispatcher other than `owner` whose lease expired or who is gone becomes unknown. */
  recoverOrphans(owner: string, gone: (owner: string) => boolean, now: string): Promise<number>;
  /** Unknown sends due for a lookup: up to `limit` bulk and `limit` replies. */
  dueUnknown(now: string, limit: number): Promise<UnknownWork[]>;
  /** Adopt what the provider has, requeue what it provably does not, or look again later. */
  resolveUnknown(u: UnknownWork, lookup: LookupOutcome, ids: IdGenerator, now: string): Promise<ResolveResult>;
  /** Is this provider message id already recorded for one of our texts? */
  isKnownSid(sid: string): Promise<boolean>;
}
