/** The broadcasts repository on SQLite: broadcast rows, guarded status moves, audience and snapshot, counts. */
import { sql } from 'kysely';
import type { Audience, AudienceMember } from '../../core/audience';
import { AppError } from '../../shared/errors';
import { param, query } from '../query';
import type { SqliteDb } from '../sqlite/db';
import { membershipQuery } from './audience-query';
import type {
  AnswerCountRow, BroadcastChanges, BroadcastRepository, CampaignChoice, CampaignInfo, NewBroadcast, RecipientCountRows, RecipientListRow,
  RecipientPageQuery, SnapshotRow,
} from './repository';
import type { Broadcast, BroadcastStatus, RecipientStatus } from './tables';

const Q = {
  flow: query<{ flow: string }, { id: string }>((k) => k.selectFrom('broadcast_flows').select('flow').where('broadcast_id', '=', param<string>('id'))),
  answers: query<{ step_id: string; value: string; n: number }, { id: string }>((k) =>
    k.selectFrom('broadcast_answers').select(['step_id', 'value', (eb) => eb.fn.countAll<number>().as('n')])
      .where('broadcast_id', '=', param<string>('id')).groupBy(['step_id', 'value']).orderBy('step_id').orderBy('value'),
  ),
  byId: query<Broadcast, { id: string }>((k) => k.selectFrom('broadcasts').selectAll().where('id', '=', param<string>('id'))),
  withStatus: query<Broadcast, { status: BroadcastStatus }>((k) =>
    k.selectFrom('broadcasts').selectAll().where('status', '=', param<BroadcastStatus>('status')).orderBy('started_at').orderBy('created_at').orderBy('id'),
  ),
  due: query<Broadcast, { now: string }>((k) =>
    k.selectFrom('broadcasts').selectAll().where('status', '=', 'scheduled').where('send_at', '<=', param<string>('now')).orderBy('send_at').orderBy('id'),
  ),
  /** Anything left to do for a broadcast? Three probes of the partial indexes, not a scan. */
  workLeft: query<{ n: number }, { id: string }>((k) =>
    k.selectNoFrom((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('broadcast_recipients').select(sql.lit(1).as('x')).where('broadcast_id', '=', param<string>('id')).where('status', '=', 'pending')),
        eb.exists(eb.selectFrom('broadcast_recipients').select(sql.lit(1).as('x')).where('status', '=', 'sending').where('broadcast_id', '=', param<string>('id'))),
        eb.exists(
          eb.selectFrom('broadcast_recipients').select(sql.lit(1).as('x'))
            .where('status', '=', 'unknown').where('not_before', 'is not', null).where('broadcast_id', '=', param<string>('id')),
        ),
      ]).as('n'),
    ),
  ),
  markSnapshotted: query<unknown, { id: string; n: number; now: string }>((k) =>
    k.updateTable('broadcasts').set({ recipients: param('n'), snapshot_at: param('now'), updated_at: param('now') })
      .where('id', '=', param<string>('id')).where('snapshot_at', 'is', null),
  ),
  maxSeq: query<{ s: number | null }, { id: string }>((k) =>
    k.selectFrom('broadcast_recipients').select((eb) => eb.fn.max<number | null>('seq').as('s')).where('broadcast_id', '=', param<string>('id')),
  ),
  countRecipients: query<{ n: number }, { id: string }>((k) =>
    k.selectFrom('broadcast_recipients').select((eb) => eb.fn.countAll<number>().as('n')).where('broadcast_id', '=', param<string>('id')),
  ),
  addRecipient: query<unknown, { id: string; contact: string; campaign: string; keyword: string; seq: number; zone: string; now: string }>((k) =>
    k.insertInto('broadcast_recipients')
      .values({
        broadcast_id: param('id'), contact_id: param('contact'), campaign_id: param('campaign'), keyword: param('keyword'), seq: param('seq'),
        time_zone: param('zone'), status: 'pending', attempts: 0, created_at: param('now'), updated_at: param('now'),
      })
      .onConflict((oc) => oc.columns(['broadcast_id', 'contact_id']).doNothing()),
  ),
  byStatus: query<{ status: RecipientStatus; time_zone: string; n: number }, { id: string }>((k) =>
    k.selectFrom('broadcast_recipients').select(['status', 'time_zone', (eb) => eb.fn.countAll<number>().as('n')])
      .where('broadcast_id', '=', param<string>('id')).groupBy(['status', 'time_zone']),
  ),
  errors: query<{ error_code: number; n: number }, { id: string }>((k) =>
    k.selectFrom('broadcast_recipients').select(['error_code', (eb) => eb.fn.countAll<number>().as('n')])
      .where('broadcast_id', '=', param<string>('id')).where('error_code', 'is not', null).groupBy('error_code'),
  ),
};

export class SqliteBroadcasts implements BroadcastRepository {
  constructor(private readonly db: SqliteDb) {}

  private row(id: string): Broadcast {
    const row = this.db.get(Q.byId, { id });
    if (!row) throw new AppError('not_found', `broadcast ${id} not found`);
    return row;
  }

  private move(id: string, from: readonly BroadcastStatus[], to: BroadcastStatus, set: BroadcastChanges, now: string): Broadcast {
    const k = this.db.db;
    const changed = this.db.run(k.updateTable('broadcasts').set({ ...set, status: to, updated_at: now }).where('id', '=', id).where('status', 'in', [...from]));
    if (changed === 0) {
      const row = this.row(id);
      throw new AppError('conflict', `broadcast is ${row.status}; it must be ${from.join(' or ')} to become ${to}`);
    }
    return this.row(id);
  }

  async insert(b: NewBroadcast, now: string): Promise<Broadcast> {
    return this.db.tx(() => {
      this.db.run(
        this.db.db.insertInto('broadcasts').values({
          id: b.id, name: b.name, template: b.template, audience: b.audienceJson, footer: b.footer ? 1 : 0, send_at: b.sendAt,
          status: b.sendAt ? 'scheduled' : 'draft', created_at: now, updated_at: now,
        }),
      );
      if (b.flowJson !== null) this.writeFlow(b.id, b.flowJson, now);
      return this.row(b.id);
    });
  }

  private writeFlow(id: string, json: string | null, now: string): void {
    const k = this.db.db;
    this.db.run(k.deleteFrom('broadcast_flows').where('broadcast_id', '=', id));
    if (json !== null) this.db.run(k.insertInto('broadcast_flows').values({ broadcast_id: id, flow: json, created_at: now, updated_at: now }));
  }

  async flowOf(id: string): Promise<string | null> {
    return this.db.get(Q.flow, { id })?.flow ?? null;
  }

  async answerCounts(id: string): Promise<AnswerCountRow[]> {
    return this.db.list(Q.answers, { id }).map((r) => ({ stepId: r.step_id, value: r.value, n: Number(r.n) }));
  }

  async find(id: string): Promise<Broadcast | undefined> {
    return this.db.get(Q.byId, { id });
  }

  async get(id: string): Promise<Broadcast> {
    return this.row(id);
  }

  async list(limit = 200): Promise<Broadcast[]> {
    return this.db.all(this.db.db.selectFrom('broadcasts').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit));
  }

  async transition(
    id: string, from: readonly BroadcastStatus[], to: BroadcastStatus, set: BroadcastChanges, now: string, flow?: { json: string | null },
  ): Promise<Broadcast> {
    return this.db.tx(() => {
      const row = this.move(id, from, to, set, now);
      if (flow) this.writeFlow(id, flow.json, now);
      return row;
    });
  }

  async cancel(id: string, from: readonly BroadcastStatus[], now: string): Promise<Broadcast> {
    return this.db.tx(() => {
      const r = this.move(id, from, 'canceled', { finished_at: now }, now);
      this.db.run(
        this.db.db.updateTable('broadcast_recipients').set({ status: 'canceled', updated_at: now })
          .where('broadcast_id', '=', id).where('status', '=', 'pending'),
      );
      return r;
    });
  }

  async withStatus(status: BroadcastStatus): Promise<Broadcast[]> {
    return this.db.list(Q.withStatus, { status });
  }

  async dueScheduled(now: string): Promise<Broadcast[]> {
    return this.db.list(Q.due, { now });
  }

  async markSnapshotted(id: string, recipients: number, now: string): Promise<void> {
    this.db.exec(Q.markSnapshotted, { id, n: recipients, now });
  }

  async hasWorkLeft(id: string): Promise<boolean> {
    return Number(this.db.get(Q.workLeft, { id })?.n ?? 0) > 0;
  }

  async campaignStates(ids: readonly string[]): Promise<{ id: string; active: boolean }[]> {
    if (ids.length === 0) return [];
    const rows = this.db.all(this.db.db.selectFrom('campaigns').select(['id', 'active']).where('id', 'in', [...ids]));
    return rows.map((r) => ({ id: r.id, active: r.active === 1 }));
  }

  async keywordsOf(campaignIds: readonly string[], words: readonly string[]): Promise<{ word: string; primaryWord: string }[]> {
    if (campaignIds.length === 0 || words.length === 0) return [];
    const rows = this.db.all(
      this.db.db.selectFrom('keywords').select(['word', 'primary_word']).where('campaign_id', 'in', [...campaignIds]).where('word', 'in', [...words]),
    );
    return rows.map((r) => ({ word: r.word, primaryWord: r.primary_word }));
  }

  async campaignInfo(ids: readonly string[]): Promise<Map<string, CampaignInfo>> {
    if (ids.length === 0) return new Map();
    const rows = this.db.all(this.db.db.selectFrom('campaigns').select(['id', 'program_name', 'sender']).where('id', 'in', [...ids]));
    return new Map(rows.map((r) => [r.id, { programName: r.program_name, sender: r.sender }]));
  }

  async campaignChoices(): Promise<CampaignChoice[]> {
    const rows = this.db.all(
      this.db.db
        .selectFrom('campaigns as c')
        .select((eb) => [
          'c.id', 'c.name',
          eb.selectFrom('keywords as k').select('k.word').whereRef('k.campaign_id', '=', 'c.id').whereRef('k.word', '=', 'k.primary_word')
            .orderBy('k.position').limit(1).as('keyword'),
        ])
        .where('c.active', '=', 1)
        .orderBy('c.created_at').orderBy('c.id'),
    );
    return rows.map((r) => ({ id: r.id, name: r.name, keyword: r.keyword ?? '' }));
  }

  async countAudience(a: Audience): Promise<number> {
    const row = this.db.first(membershipQuery(this.db.db, a).select((eb) => eb.fn.count<number>('m.contact_id').distinct().as('n')));
    return Number(row?.n ?? 0);
  }

  async audiencePage(a: Audience, afterContactId: string, limit: number): Promise<AudienceMember[]> {
    // A contact in several matching campaigns gets ONE text, from the first campaign listed.
    const priority = sql<number>`CASE m.campaign_id ${sql.join(a.campaigns.map((id, i) => sql`WHEN ${id} THEN ${i}`), sql` `)} END`;
    const rows = this.db.all(
      membershipQuery(this.db.db, a)
        .select(['m.contact_id', 'm.campaign_id', 'm.keyword', 'c.phone', 'c.first_name', 'c.zip', 'c.from_state'])
        .where('m.contact_id', '>', afterContactId)
        .orderBy('m.contact_id')
        .orderBy(priority)
        .limit(limit),
    );
    const out: AudienceMember[] = [];
    for (const r of rows) {
      if (out.length > 0 && out[out.length - 1]!.contactId === r.contact_id) continue;
      out.push({
        contactId: r.contact_id, campaignId: r.campaign_id, keyword: r.keyword, phone: r.phone,
        firstName: r.first_name, zip: r.zip, fromState: r.from_state,
      });
    }
    return out;
  }

  async maxSeq(broadcastId: string): Promise<number> {
    return Number(this.db.get(Q.maxSeq, { id: broadcastId })?.s ?? 0);
  }

  async addRecipients(broadcastId: string, rows: readonly SnapshotRow[], firstSeq: number, now: string): Promise<void> {
    this.db.tx(() => {
      let seq = firstSeq;
      for (const r of rows) {
        this.db.exec(Q.addRecipient, { id: broadcastId, contact: r.contactId, campaign: r.campaignId, keyword: r.keyword, seq: seq++, zone: r.timeZone, now });
      }
    });
  }

  async countRecipients(broadcastId: string): Promise<number> {
    return Number(this.db.get(Q.countRecipients, { id: broadcastId })?.n ?? 0);
  }

  async recipientCounts(broadcastId: string): Promise<RecipientCountRows> {
    return {
      byStatus: this.db.list(Q.byStatus, { id: broadcastId }).map((r) => ({ status: r.status, timeZone: r.time_zone, n: r.n })),
      errors: this.db.list(Q.errors, { id: broadcastId }).map((e) => ({ code: e.error_code, n: e.n })),
    };
  }

  async recipients(broadcastId: string, q: RecipientPageQuery): Promise<RecipientListRow[]> {
    let b = this.db.db
      .selectFrom('broadcast_recipients as r')
      .innerJoin('contacts as c', 'c.id', 'r.contact_id')
      .select(['r.seq', 'r.contact_id', 'c.phone', 'c.first_name', 'r.campaign_id', 'r.status', 'r.twilio_sid', 'r.error_code', 'r.segments', 'r.attempts', 'r.time_zone', 'r.sent_at', 'r.updated_at'])
      .where('r.broadcast_id', '=', broadcastId)
      .where('r.seq', '>', q.after)
      .orderBy('r.seq')
      .limit(q.limit);
    if (q.status) b = b.where('r.status', '=', q.status);
    return this.db.all(b).map((x) => ({
      seq: x.seq, contactId: x.contact_id, phone: x.phone, firstName: x.first_name, campaignId: x.campaign_id, status: x.status,
      twilioSid: x.twilio_sid, errorCode: x.error_code, segments: x.segments, attempts: x.attempts, timeZone: x.time_zone,
      sentAt: x.sent_at, updatedAt: x.updated_at,
    }));
  }
}
