/** The outbox repository (both engines): the reply and bulk queues behind one door, results in batches. */
import type { IdGenerator } from '../../core/clock';
import type { LookupOutcome, RecordEffect, ResolveResult, UnknownWork, WorkItem } from '../../core/sending';
import { param, query } from '../query';
import { get, type Runner, type Work } from '../work';
import type { BroadcastPlan, ClaimBatch, Lease, OutboxRepository, Recorded, SendResult } from './repository';
import type { ReceiptPolicy } from '../receipts/repository';
import { BulkQueue } from './bulk';
import { ReplyQueue } from './replies';

const knownSid = query<{ id: string }, { sid: string }>((k) => k.selectFrom('outbound_messages').select('id').where('twilio_sid', '=', param<string>('sid')));

export class OutboxStore implements OutboxRepository {
  private readonly bulk: BulkQueue;
  private readonly replies: ReplyQueue;

  constructor(
    private readonly db: Runner,
    policy: ReceiptPolicy,
  ) {
    this.bulk = new BulkQueue(db, policy);
    this.replies = new ReplyQueue(db, policy);
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
    const record = (r: SendResult): Work<RecordEffect> => (r.item.kind === 'reply' ? this.replies : this.bulk).record(r.item, r.outcome, ids, now);
    const all = function* (): Work<Recorded[]> {
      const out: Recorded[] = [];
      for (const r of results) out.push({ ok: true, effect: yield* record(r) });
      return out;
    };
    try {
      return await this.db.tx(all());
    } catch {
      const out: Recorded[] = [];
      for (const r of results) {
        try {
          out.push({ ok: true, effect: await this.db.tx(record(r)) });
        } catch (err) {
          out.push({ ok: false, error: (err as Error).message });
        }
      }
      return out;
    }
  }

  async recoverOrphans(owner: string, gone: (owner: string) => boolean, now: string): Promise<number> {
    return (await this.bulk.recoverOrphans(owner, gone, now)) + (await this.replies.recoverOrphans(owner, gone, now));
  }

  async dueUnknown(now: string, limit: number): Promise<UnknownWork[]> {
    return [...(await this.bulk.dueUnknown(now, limit)), ...(await this.replies.dueUnknown(now, limit))];
  }

  async resolveUnknown(u: UnknownWork, lookup: LookupOutcome, ids: IdGenerator, now: string): Promise<ResolveResult> {
    return (u.kind === 'reply' ? this.replies : this.bulk).resolve(u, lookup, ids, now);
  }

  async isKnownSid(sid: string): Promise<boolean> {
    return (await this.db.read(get(knownSid, { sid }))) !== undefined;
  }
}
