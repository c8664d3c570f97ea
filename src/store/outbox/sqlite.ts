/** The outbox repository on SQLite: the reply and bulk queues behind one door, results in batches. */
import type { IdGenerator } from '../../core/clock';
import type { LookupOutcome, RecordEffect, ResolveResult, UnknownWork, WorkItem } from '../../core/sending';
import { param, query } from '../query';
import type { SqliteDb } from '../sqlite/db';
import type { BroadcastPlan, ClaimBatch, Lease, OutboxRepository, Recorded, SendResult } from './repository';
import type { ReceiptPolicy } from '../receipts/repository';
import { SqliteBulkQueue } from './sqlite-bulk';
import { SqliteReplyQueue } from './sqlite-replies';

const knownSid = query<{ id: string }, { sid: string }>((k) => k.selectFrom('outbound_messages').select('id').where('twilio_sid', '=', param<string>('sid')));

export class SqliteOutbox implements OutboxRepository {
  private readonly bulk: SqliteBulkQueue;
  private readonly replies: SqliteReplyQueue;

  constructor(
    private readonly db: SqliteDb,
    policy: ReceiptPolicy,
  ) {
    this.bulk = new SqliteBulkQueue(db, policy);
    this.replies = new SqliteReplyQueue(db, policy);
  }

  async nextReply(now: string): Promise<{ id: string; segments: number } | null> {
    return this.replies.peek(now);
  }

  async claimReply(id: string, lease: Lease, now: string): Promise<WorkItem | null> {
    return this.replies.claim(id, lease, now);
  }

  async claimBulk(plan: BroadcastPlan, zones: readonly string[] | null, limit: number, lease: Lease, ids: IdGenerator, now: string): Promise<ClaimBatch> {
    return this.bulk.claim(plan, zones, limit, lease, ids, now);
  }

  /**
   * One transaction for the whole batch (many results per commit at high rates). If it fails,
   * one bad row must not cost the others their result: they are written one by one.
   */
  async recordResults(results: readonly SendResult[], ids: IdGenerator, now: string): Promise<Recorded[]> {
    const record = (r: SendResult): RecordEffect => (r.item.kind === 'reply' ? this.replies : this.bulk).record(r.item, r.outcome, ids, now);
    try {
      return this.db.tx(() => results.map((r): Recorded => ({ ok: true, effect: record(r) })));
    } catch {
      return results.map((r): Recorded => {
        try {
          return { ok: true, effect: this.db.tx(() => record(r)) };
        } catch (err) {
          return { ok: false, error: (err as Error).message };
        }
      });
    }
  }

  async recoverOrphans(owner: string, gone: (owner: string) => boolean, now: string): Promise<number> {
    return this.bulk.recoverOrphans(owner, gone, now) + this.replies.recoverOrphans(owner, gone, now);
  }

  async dueUnknown(now: string, limit: number): Promise<UnknownWork[]> {
    return [...this.bulk.dueUnknown(now, limit), ...this.replies.dueUnknown(now, limit)];
  }

  async resolveUnknown(u: UnknownWork, lookup: LookupOutcome, ids: IdGenerator, now: string): Promise<ResolveResult> {
    return (u.kind === 'reply' ? this.replies : this.bulk).resolve(u, lookup, ids, now);
  }

  async isKnownSid(sid: string): Promise<boolean> {
    return this.db.get(knownSid, { sid }) !== undefined;
  }
}
