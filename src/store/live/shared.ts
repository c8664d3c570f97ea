/**
 * The live screen's repository (both engines). The numbers are recomputed for every connected screen
 * after each burst of texts, so those statements are prepared once.
 */
import { sql, type SqlBool } from 'kysely';
import { param, query } from '../query';
import { get, run, type Runner, type Work } from '../work';
import type { LiveDisplay, LiveRepository, LiveStats } from './repository';
import type { LiveDisplaysTable } from './tables';

type Count = { n: number };
type Window = { campaignId: string; since: string };

const GOAL = query<{ goal_cents: number }, { campaignId: string }>((k) =>
  k.selectFrom('campaigns').select('goal_cents').where('id', '=', param<string>('campaignId')),
);

const JOINED = query<Count, Window>((k) =>
  k.selectFrom('campaign_members as m').innerJoin('contacts as c', 'c.id', 'm.contact_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('m.campaign_id', '=', param<string>('campaignId')).where('m.joined_at', '>=', param<string>('since')).where('c.is_test', '=', 0),
);

const COMPLETED = query<Count, Window>((k) =>
  k.selectFrom('campaign_members as m').innerJoin('contacts as c', 'c.id', 'm.contact_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('m.campaign_id', '=', param<string>('campaignId')).where('m.completed_at', '>=', param<string>('since')).where('c.is_test', '=', 0),
);

/** Each person's latest monthly pledge in the window: no later one by the same person for the campaign. */
const PLEDGED = query<Count, Window>((k) =>
  k.selectFrom('pledges as p').innerJoin('contacts as c', 'c.id', 'p.contact_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('p.amount_cents'), eb.lit(0)).as('n'))
    .where('p.campaign_id', '=', param<string>('campaignId')).where('p.frequency', '=', 'monthly')
    .where('p.at', '>=', param<string>('since')).where('c.is_test', '=', 0)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('pledges as q').select(eb.lit(1).as('one'))
            .whereRef('q.contact_id', '=', 'p.contact_id').whereRef('q.campaign_id', '=', 'p.campaign_id')
            .where('q.frequency', '=', 'monthly').where('q.at', '>=', param<string>('since'))
            .where(sql<SqlBool>`q.rowid > p.rowid`),
        ),
      ),
    ),
);

/** Payments matched to the campaign in the window, refunds subtracted; test contacts never count. */
const PAID = query<Count, Window>((k) =>
  k.selectFrom('donations as d').innerJoin('contacts as c', 'c.id', 'd.contact_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('d.amount_cents'), eb.lit(0)).as('n'))
    .where('d.campaign_id', '=', param<string>('campaignId')).where('d.paid_at', '>=', param<string>('since')).where('c.is_test', '=', 0),
);

const BY_CAMPAIGN = query<LiveDisplaysTable, { campaignId: string }>((k) =>
  k.selectFrom('live_displays').selectAll().where('campaign_id', '=', param<string>('campaignId')),
);

const BY_TOKEN = query<LiveDisplaysTable, { token: string }>((k) =>
  k.selectFrom('live_displays').selectAll().where('token', '=', param<string>('token')),
);

function toDisplay(r: Pick<LiveDisplaysTable, 'campaign_id' | 'token' | 'counting_from'>): LiveDisplay {
  return { campaignId: r.campaign_id, token: r.token, countingFrom: r.counting_from };
}

export class LiveStore implements LiveRepository {
  constructor(private readonly db: Runner) {}

  /** Insert the display, or on an existing one apply `onExisting`; then read it back. */
  private upsert(row: LiveDisplaysTable, onExisting: Partial<Pick<LiveDisplaysTable, 'token' | 'counting_from' | 'updated_at'>> | null): Promise<LiveDisplay> {
    const k = this.db.k;
    return this.db.tx(
      (function* (): Work<LiveDisplay> {
        yield* run(
          k.insertInto('live_displays').values(row)
            .onConflict((oc) => (onExisting ? oc.column('campaign_id').doUpdateSet(onExisting) : oc.column('campaign_id').doNothing())),
        );
        return toDisplay((yield* get(BY_CAMPAIGN, { campaignId: row.campaign_id }))!);
      })(),
    );
  }

  async display(campaignId: string): Promise<LiveDisplay | undefined> {
    const r = await this.db.read(get(BY_CAMPAIGN, { campaignId }));
    return r ? toDisplay(r) : undefined;
  }

  async displayByToken(token: string): Promise<LiveDisplay | undefined> {
    const r = await this.db.read(get(BY_TOKEN, { token }));
    return r ? toDisplay(r) : undefined;
  }

  async ensureDisplay(campaignId: string, token: string, now: Date): Promise<LiveDisplay> {
    const at = now.toISOString();
    return this.upsert({ campaign_id: campaignId, token, counting_from: null, created_at: at, updated_at: at }, null);
  }

  async replaceToken(campaignId: string, token: string, now: Date): Promise<LiveDisplay> {
    const at = now.toISOString();
    return this.upsert({ campaign_id: campaignId, token, counting_from: null, created_at: at, updated_at: at }, { token, updated_at: at });
  }

  async setCountingFrom(campaignId: string, from: string | null, token: string, now: Date): Promise<LiveDisplay> {
    const at = now.toISOString();
    return this.upsert({ campaign_id: campaignId, token, counting_from: from, created_at: at, updated_at: at }, { counting_from: from, updated_at: at });
  }

  async stats(campaignId: string, since: string): Promise<LiveStats | null> {
    return this.db.read(
      (function* (): Work<LiveStats | null> {
        const goal = yield* get(GOAL, { campaignId });
        if (!goal) return null;
        const w = { campaignId, since };
        return {
          joined: Number((yield* get(JOINED, w))!.n),
          completed: Number((yield* get(COMPLETED, w))!.n),
          pledgedCents: Number((yield* get(PLEDGED, w))!.n),
          paidCents: Number((yield* get(PAID, w))!.n),
          goalCents: goal.goal_cents,
          since,
        };
      })(),
    );
  }
}
