/** The broadcasts repository (both engines): broadcast rows, guarded status moves, audience and snapshot, counts. */
import { isLang, type Lang } from '../../core/language';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../database';
import type { Audience, AudienceMember } from '../../core/audience';
import { AppError } from '../../shared/errors';
import { param, query } from '../query';
import { all, exec, first, get, list, run, type Runner, type Work } from '../work';
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

function* row(id: string): Work<Broadcast> {
  const r = yield* get(Q.byId, { id });
  if (!r) throw new AppError('not_found', `broadcast ${id} not found`);
  return r;
}

function* move(k: Kysely<DB>, id: string, from: readonly BroadcastStatus[], to: BroadcastStatus, set: BroadcastChanges, now: string): Work<Broadcast> {
  const changed = yield* run(k.updateTable('broadcasts').set({ ...set, status: to, updated_at: now }).where('id', '=', id).where('status', 'in', [...from]));
  if (changed === 0) {
    const r = yield* row(id);
    throw new AppError('conflict', `broadcast is ${r.status}; it must be ${from.join(' or ')} to become ${to}`);
  }
  return yield* row(id);
}

function* writeFlow(k: Kysely<DB>, id: string, json: string | null, now: string): Work<void> {
  yield* run(k.deleteFrom('broadcast_flows').where('broadcast_id', '=', id));
  if (json !== null) yield* run(k.insertInto('broadcast_flows').values({ broadcast_id: id, flow: json, created_at: now, updated_at: now }));
}

export class BroadcastsStore implements BroadcastRepository {
  constructor(private readonly db: Runner) {}

  private get k(): Kysely<DB> {
    return this.db.k;
  }

  async insert(b: NewBroadcast, now: string): Promise<Broadcast> {
    const k = this.k;
    return this.db.tx(
      (function* (): Work<Broadcast> {
      yield* run(
        k.insertInto('broadcasts').values({
          id: b.id, name: b.name, template: b.template, templates: b.templatesJson ?? null, audience: b.audienceJson, footer: b.footer ? 1 : 0, send_at: b.sendAt,
          status: b.sendAt ? 'scheduled' : 'draft', created_at: now, updated_at: now,
        }),
      );
      if (b.flowJson !== null) yield* writeFlow(k, b.id, b.flowJson, now);
      return yield* row(b.id);
      })(),
    );
  }

  async flowOf(id: string): Promise<string | null> {
    return (await this.db.read(get(Q.flow, { id })))?.flow ?? null;
  }

  async answerCounts(id: string): Promise<AnswerCountRow[]> {
    return (await this.db.read(list(Q.answers, { id }))).map((r) => ({ stepId: r.step_id, value: r.value, n: Number(r.n) }));
  }

  find(id: string): Promise<Broadcast | undefined> {
    return this.db.read(get(Q.byId, { id }));
  }

  get(id: string): Promise<Broadcast> {
    return this.db.read(row(id));
  }

  list(limit = 200): Promise<Broadcast[]> {
    return this.db.read(all(this.k.selectFrom('broadcasts').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit)));
  }

  transition(
    id: string, from: readonly BroadcastStatus[], to: BroadcastStatus, set: BroadcastChanges, now: string, flow?: { json: string | null },
  ): Promise<Broadcast> {
    const k = this.k;
    return this.db.tx(
      (function* (): Work<Broadcast> {
        const r = yield* move(k, id, from, to, set, now);
        if (flow) yield* writeFlow(k, id, flow.json, now);
        return r;
      })(),
    );
  }

  cancel(id: string, from: readonly BroadcastStatus[], now: string): Promise<Broadcast> {
    const k = this.k;
    return this.db.tx(
      (function* (): Work<Broadcast> {
        const r = yield* move(k, id, from, 'canceled', { finished_at: now }, now);
        yield* run(
          k.updateTable('broadcast_recipients').set({ status: 'canceled', updated_at: now })
            .where('broadcast_id', '=', id).where('status', '=', 'pending'),
        );
        return r;
      })(),
    );
  }

  async withStatus(status: BroadcastStatus): Promise<Broadcast[]> {
    return this.db.read(list(Q.withStatus, { status }));
  }

  async dueScheduled(now: string): Promise<Broadcast[]> {
    return this.db.read(list(Q.due, { now }));
  }

  async markSnapshotted(id: string, recipients: number, now: string): Promise<void> {
    await this.db.read(exec(Q.markSnapshotted, { id, n: recipients, now }));
  }

  async hasWorkLeft(id: string): Promise<boolean> {
    return Number((await this.db.read(get(Q.workLeft, { id })))?.n ?? 0) > 0;
  }

  async campaignStates(ids: readonly string[]): Promise<{ id: string; active: boolean }[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.read(all(this.k.selectFrom('campaigns').select(['id', 'active']).where('id', 'in', [...ids])));
    return rows.map((r) => ({ id: r.id, active: r.active === 1 }));
  }

  async keywordsOf(campaignIds: readonly string[], words: readonly string[]): Promise<{ word: string; primaryWord: string }[]> {
    if (campaignIds.length === 0 || words.length === 0) return [];
    const rows = await this.db.read(
      all(this.k.selectFrom('keywords').select(['word', 'primary_word']).where('campaign_id', 'in', [...campaignIds]).where('word', 'in', [...words])),
    );
    return rows.map((r) => ({ word: r.word, primaryWord: r.primary_word }));
  }

  async campaignInfo(ids: readonly string[]): Promise<Map<string, CampaignInfo>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.read(all(this.k.selectFrom('campaigns').select(['id', 'program_name', 'sender', 'languages', 'donation_url']).where('id', 'in', [...ids])));
    return new Map(rows.map((r) => [r.id, { programName: r.program_name, sender: r.sender, languages: languagesOfJson(r.languages), donationUrl: r.donation_url ?? null }]));
  }

  async campaignChoices(): Promise<CampaignChoice[]> {
    const rows = await this.db.read(all(
      this.k
        .selectFrom('campaigns as c')
        .select((eb) => [
          'c.id', 'c.name',
          eb.selectFrom('keywords as k').select('k.word').whereRef('k.campaign_id', '=', 'c.id').whereRef('k.word', '=', 'k.primary_word')
            .orderBy('k.position').limit(1).as('keyword'),
        ])
        .where('c.active', '=', 1)
        .orderBy('c.created_at').orderBy('c.id'),
    ));
    return rows.map((r) => ({ id: r.id, name: r.name, keyword: r.keyword ?? '' }));
  }

  async countAudience(a: Audience): Promise<number> {
    const row = await this.db.read(first(membershipQuery(this.k, a).select((eb) => eb.fn.count<number>('m.contact_id').distinct().as('n'))));
    return Number(row?.n ?? 0);
  }

  async audiencePage(a: Audience, afterContactId: string, limit: number): Promise<AudienceMember[]> {
    // A contact in several matching campaigns gets ONE text, from the first campaign listed.
    const priority = sql<number>`CASE m.campaign_id ${sql.join(a.campaigns.map((id, i) => sql`WHEN ${id} THEN ${sql.lit(i)}`), sql` `)} END`;
    const rows = await this.db.read(all(
      membershipQuery(this.k, a)
        .select(['m.contact_id', 'm.campaign_id', 'm.keyword', 'c.phone', 'c.first_name', 'c.zip', 'c.from_state', 'c.language'])
        .where('m.contact_id', '>', afterContactId)
        .orderBy('m.contact_id')
        .orderBy(priority)
        .limit(limit),
    ));
    const out: AudienceMember[] = [];
    for (const r of rows) {
      if (out.length > 0 && out[out.length - 1]!.contactId === r.contact_id) continue;
      out.push({
        contactId: r.contact_id, campaignId: r.campaign_id, keyword: r.keyword, phone: r.phone,
        firstName: r.first_name, zip: r.zip, fromState: r.from_state, language: r.language,
      });
    }
    return out;
  }

  async maxSeq(broadcastId: string): Promise<number> {
    return Number((await this.db.read(get(Q.maxSeq, { id: broadcastId })))?.s ?? 0);
  }

  async addRecipients(broadcastId: string, rows: readonly SnapshotRow[], firstSeq: number, now: string): Promise<void> {
    await this.db.tx(
      (function* (): Work<void> {
        let seq = firstSeq;
        for (const r of rows) {
          yield* exec(Q.addRecipient, { id: broadcastId, contact: r.contactId, campaign: r.campaignId, keyword: r.keyword, seq: seq++, zone: r.timeZone, now });
        }
      })(),
    );
  }

  async countRecipients(broadcastId: string): Promise<number> {
    return Number((await this.db.read(get(Q.countRecipients, { id: broadcastId })))?.n ?? 0);
  }

  async recipientCounts(broadcastId: string): Promise<RecipientCountRows> {
    return {
      byStatus: (await this.db.read(list(Q.byStatus, { id: broadcastId }))).map((r) => ({ status: r.status, timeZone: r.time_zone, n: Number(r.n) })),
      errors: (await this.db.read(list(Q.errors, { id: broadcastId }))).map((e) => ({ code: e.error_code, n: Number(e.n) })),
    };
  }

  async recipients(broadcastId: string, q: RecipientPageQuery): Promise<RecipientListRow[]> {
    let b = this.k
      .selectFrom('broadcast_recipients as r')
      .innerJoin('contacts as c', 'c.id', 'r.contact_id')
      .select(['r.seq', 'r.contact_id', 'c.phone', 'c.first_name', 'r.campaign_id', 'r.status', 'r.twilio_sid', 'r.error_code', 'r.segments', 'r.attempts', 'r.time_zone', 'r.sent_at', 'r.updated_at'])
      .where('r.broadcast_id', '=', broadcastId)
      .where('r.seq', '>', q.after)
      .orderBy('r.seq')
      .limit(q.limit);
    if (q.status) b = b.where('r.status', '=', q.status);
    return (await this.db.read(all(b))).map((x) => ({
      seq: x.seq, contactId: x.contact_id, phone: x.phone, firstName: x.first_name, campaignId: x.campaign_id, status: x.status,
      twilioSid: x.twilio_sid, errorCode: x.error_code, segments: x.segments, attempts: x.attempts, timeZone: x.time_zone,
      sentAt: x.sent_at, updatedAt: x.updated_at,
    }));
  }
}

/** A campaign's stored languages (JSON list, default first); English for a damaged value. */
function languagesOfJson(json: string): Lang[] {
  try {
    const v = JSON.parse(json) as unknown;
    const list = Array.isArray(v) ? v.filter(isLang) : [];
    return list.length > 0 ? list : ['en'];
  } catch {
    return ['en'];
  }
}
