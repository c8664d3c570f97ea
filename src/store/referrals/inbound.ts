/**
 * The inbound text's part in referrals, inside the text's own transaction (called from
 * src/store/inbound/shared.ts only when the router asked for it: a `KEYWORD CODE`, a completion,
 * PAGE, GOAL, SHOW, a team). A JOIN without a code, and every ordinary answer, never reaches it.
 * Credits a recruiter (core/referrals.ts creditVerdict), issues the supporter's code (unique per
 * campaign: a taken proposal is drawn again), makes the page token, and writes the row once.
 */
import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '../../core/clock';
import type { ReferralChange } from '../../core/inbound-events';
import { COUNT_SLOT, creditVerdict, makeCode, noticeDue } from '../../core/referrals';
import { enqueueOutboundWork } from '../outbox/gate';
import { param, query } from '../query';
import { get, write, type Work } from '../work';
import type { ReferralsTable } from './tables';

type Own = Pick<ReferralsTable, 'code' | 'recruited_by' | 'page_token'>;

type State = { [K in keyof Own]: Own[K] | null } & { present: number | null; owner: string | null; taken_by: string | null };

export const REFERRAL_QUERIES = {
  /**
   * Everything one text needs, in one statement (one round trip on PostgreSQL): the texter's own
   * row (one probe of its key, joined to the texter's contact row, which exists by now), the owner
   * of the code they texted (if any), and whether the proposed new code is taken. Primary-key and
   * unique-index probes only: four in all (it was six, the own row probed once per column).
   */
  state: query<State, { campaignId: string; contactId: string; claim: string | null; candidate: string | null }>((k) =>
    k.selectFrom('contacts as c')
      .leftJoin('referrals as o', (j) => j.on('o.campaign_id', '=', param<string>('campaignId')).onRef('o.contact_id', '=', 'c.id'))
      .select((eb) => {
        const byCode = (name: string) =>
          eb.selectFrom('referrals as x').select('x.contact_id').where('x.campaign_id', '=', param<string>('campaignId')).where('x.code', '=', param<string>(name));
        return [
          eb.case().when('o.contact_id', 'is not', null).then(eb.lit(1)).else(null).end().as('present'),
          'o.code', 'o.recruited_by', 'o.page_token',
          byCode('claim').as('owner'),
          byCode('candidate').as('taken_by'),
        ];
      })
      .where('c.id', '=', param<string>('contactId')),
  ),
  byCode: query<{ contact_id: string }, { campaignId: string; code: string }>((k) =>
    k.selectFrom('referrals').select('contact_id').where('campaign_id', '=', param<string>('campaignId')).where('code', '=', param<string>('code')),
  ),
  /** One row per supporter and campaign; what is already set stays (first credit, first code, first token). */
  upsert: query<unknown, Omit<ReferralsTable, 'noticed_at' | 'updated_at'>>((k) =>
    k
      .insertInto('referrals')
      .values({
        campaign_id: param('campaign_id'), contact_id: param('contact_id'), code: param('code'), recruited_by: param('recruited_by'),
        recruited_at: param('recruited_at'), page_token: param('page_token'), goal: param('goal'), show_name: param('show_name'),
        noticed_at: null, created_at: param('created_at'), updated_at: param('created_at'),
      })
      .onConflict((oc) =>
        oc.columns(['campaign_id', 'contact_id']).doUpdateSet((eb) => ({
          code: eb.fn.coalesce('referrals.code', eb.ref('excluded.code')),
          recruited_by: eb.fn.coalesce('referrals.recruited_by', eb.ref('excluded.recruited_by')),
          recruited_at: eb.fn.coalesce('referrals.recruited_at', eb.ref('excluded.recruited_at')),
          page_token: eb.fn.coalesce('referrals.page_token', eb.ref('excluded.page_token')),
          goal: eb.fn.coalesce(eb.ref('excluded.goal'), 'referrals.goal'),
          show_name: eb.case().when(eb.ref('excluded.show_name'), '=', 1).then(1).else(eb.ref('referrals.show_name')).end(),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      ),
  ),
  /** The recruiter's last notice and how many friends they recruited. */
  recruiter: query<{ noticed_at: string | null; recruits: number }, { campaignId: string; contactId: string }>((k) =>
    k.selectFrom('referrals as r')
      .select((eb) => [
        'r.noticed_at',
        eb.selectFrom('referrals as f').select((f) => f.fn.countAll<number>().as('n'))
          .where('f.campaign_id', '=', param<string>('campaignId')).where('f.recruited_by', '=', param<string>('contactId')).as('recruits'),
      ])
      .where('r.campaign_id', '=', param<string>('campaignId')).where('r.contact_id', '=', param<string>('contactId'))
      .$narrowType<{ recruits: number }>(),
  ),
  noticed: query<unknown, { campaignId: string; contactId: string; at: string }>((k) =>
    k.updateTable('referrals').set({ noticed_at: param('at') })
      .where('campaign_id', '=', param<string>('campaignId')).where('contact_id', '=', param<string>('contactId')),
  ),
  joinTeam: query<unknown, { campaign_id: string; contact_id: string; team: string; at: string }>((k) =>
    k
      .insertInto('contact_teams')
      .values({ campaign_id: param('campaign_id'), contact_id: param('contact_id'), team: param('team'), joined_at: param('at') })
      .onConflict((oc) => oc.columns(['campaign_id', 'contact_id', 'team']).doNothing()),
  ),
};

/** An unguessable page token: 128 random bits, URL-safe. */
export function newPageToken(): string {
  return randomBytes(16).toString('base64url');
}

/** What the replies' slots are filled with. */
export interface ReferralApplied {
  code: string | null;
  pageToken: string | null;
  /** The recruiter credited by this text, if any. */
  creditedTo: string | null;
  /** The code was issued by this text (the one-time SHOW question goes with it). */
  issuedNow: boolean;
}

/** Tries before a code is given up on (each a fresh draw; from the fourth, one symbol longer). */
const CODE_TRIES = 8;

export function* applyReferral(
  contactId: string, firstName: string | null, r: ReferralChange, at: string, newId: IdGenerator,
): Work<ReferralApplied> {
  const Q = REFERRAL_QUERIES;
  const wantsCode = r.issue || r.page;
  // The first proposal is checked in the same statement as the rest: one read for the usual text.
  let candidate = wantsCode ? makeCode(newId(), firstName, 0) : null;
  const s = (yield* get(Q.state, { campaignId: r.campaignId, contactId, claim: r.claim, candidate }))!;
  const own = s.present === null ? undefined : { code: s.code, recruited_by: s.recruited_by, page_token: s.page_token };
  let recruitedBy: string | null = null;
  if (r.claim !== null) {
    const verdict = creditVerdict({
      ownerId: s.owner ?? undefined, contactId, own: own ? { code: own.code, recruitedBy: own.recruited_by } : undefined,
    });
    if (verdict === 'credited') recruitedBy = s.owner;
  }
  let code = own?.code ?? null;
  let issued: string | null = null;
  if (wantsCode && code === null) {
    // Taken (rare): draw again, each draw checked on its own.
    if (s.taken_by === null) issued = candidate;
    for (let attempt = 1; attempt < CODE_TRIES && issued === null; attempt++) {
      candidate = makeCode(newId(), firstName, attempt);
      if (!(yield* get(Q.byCode, { campaignId: r.campaignId, code: candidate }))) issued = candidate;
    }
    code = issued;
  }
  let pageToken = own?.page_token ?? null;
  let newToken: string | null = null;
  if (r.page && pageToken === null) pageToken = newToken = newPageToken();
  if (recruitedBy !== null || issued !== null || newToken !== null || r.goal !== null || r.show) {
    yield* write(Q.upsert, {
      campaign_id: r.campaignId, contact_id: contactId, code: issued, recruited_by: recruitedBy, recruited_at: recruitedBy === null ? null : at,
      page_token: newToken, goal: r.goal, show_name: r.show ? 1 : 0, created_at: at,
    });
  }
  // A friend completed: their recruiter hears of it (campaign setting; at most once a day; the gate refuses an opted-out number).
  const recruiter = own?.recruited_by ?? null;
  if (r.notice !== null && recruiter !== null) {
    const state = yield* get(Q.recruiter, { campaignId: r.campaignId, contactId: recruiter });
    if (state && noticeDue(state.noticed_at, at)) {
      yield* enqueueOutboundWork(
        {
          contactId: recruiter, campaignId: r.campaignId, inboundId: null, position: 0, kind: 'system', purpose: 'broadcast',
          body: r.notice.split(COUNT_SLOT).join(String(Number(state.recruits))), delivery: 'queued',
        },
        newId, at,
      );
      yield* write(Q.noticed, { campaignId: r.campaignId, contactId: recruiter, at });
    }
  }
  return { code, pageToken, creditedTo: recruitedBy, issuedNow: issued !== null };
}
