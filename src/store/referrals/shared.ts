/**
 * The referrals repository (both engines): a campaign's referral totals, a supporter's page by
 * its token, team counts. Organizer and page reads, never on the webhook's hot path (the inbound
 * part is src/store/referrals/inbound.ts). Totals read the campaign's referral rows once and add
 * them up here (chains' depth needs the whole tree anyway).
 */
import { sql } from 'kysely';
import { all, first, type Runner, type Work } from '../work';
import type { LeaderboardRows, RecruiterRow, ReferralsRepository, ReferralTotals, SupporterPage, TeamCount, TeamPage } from './repository';

/** A contact's latest monthly pledge on a campaign (a re-pledge replaces, never doubles). */
function latestMonthly(contactRef: string, campaignId: string) {
  return sql<number | null>`(SELECT p.amount_cents FROM pledges p WHERE p.contact_id = ${sql.ref(contactRef)} AND p.campaign_id = ${campaignId}
    AND p.frequency = 'monthly' ORDER BY p.at DESC, p.rowid DESC LIMIT 1)`;
}

function* teamCountsWork(r: Runner, campaignId: string, team?: string): Work<TeamCount[]> {
  const rows = yield* all(
    r.k
      .selectFrom('contact_teams as t')
      .innerJoin('contacts as c', 'c.id', 't.contact_id')
      .select(['t.team', 't.contact_id', latestMonthly('t.contact_id', campaignId).as('pledged')])
      .where('t.campaign_id', '=', campaignId)
      .$if(team !== undefined, (q) => q.where('t.team', '=', team!))
      .where('c.is_test', '=', 0)
      .where('c.status', '<>', 'opted_out'),
  );
  const by = new Map<string, TeamCount>();
  for (const row of rows) {
    const t = by.get(row.team) ?? { team: row.team, members: 0, pledgedCents: 0 };
    t.members += 1;
    t.pledgedCents += Number(row.pledged ?? 0);
    by.set(row.team, t);
  }
  return [...by.values()];
}

function* totalsWork(r: Runner, campaignId: string, top: number): Work<ReferralTotals | null> {
  const k = r.k;
  const campaign = yield* first(k.selectFrom('campaigns').select('id').where('id', '=', campaignId));
  if (!campaign) return null;
  const rows = yield* all(
    k
      .selectFrom('referrals as r')
      .innerJoin('contacts as c', 'c.id', 'r.contact_id')
      .select([
        'r.contact_id', 'r.code', 'r.recruited_by', 'r.show_name', 'c.first_name', 'c.status', 'c.is_test',
        latestMonthly('r.contact_id', campaignId).as('pledged'),
      ])
      .where('r.campaign_id', '=', campaignId),
  );
  const signupRow = yield* first(
    k.selectFrom('campaign_members as m').innerJoin('contacts as c', 'c.id', 'm.contact_id')
      .select((eb) => eb.fn.countAll<number>().as('n')).where('m.campaign_id', '=', campaignId).where('c.is_test', '=', 0),
  );
  const real = rows.filter((x) => Number(x.is_test) === 0);
  const byId = new Map(rows.map((x) => [x.contact_id, x]));
  const recruiters = new Map<string, { recruits: number; pledgedCents: number }>();
  for (const x of real) {
    if (!x.recruited_by) continue;
    const t = recruiters.get(x.recruited_by) ?? { recruits: 0, pledgedCents: 0 };
    t.recruits += 1;
    t.pledgedCents += Number(x.pledged ?? 0);
    recruiters.set(x.recruited_by, t);
  }
  // The longest chain: follow each supporter's recruiters upwards (bounded: a chain never loops, but data may).
  let depth = 0;
  for (const x of real) {
    let d = 0;
    let cur = x.recruited_by;
    const seen = new Set<string>();
    while (cur && !seen.has(cur) && d < 10_000) {
      seen.add(cur);
      d++;
      cur = byId.get(cur)?.recruited_by ?? null;
    }
    if (d > depth) depth = d;
  }
  const topRecruiters: RecruiterRow[] = [...recruiters]
    .map(([contactId, t]) => ({ contactId, row: byId.get(contactId), ...t }))
    .filter((x) => x.row && x.row.status !== 'opted_out' && Number(x.row.is_test) === 0)
    .sort((a, b) => b.recruits - a.recruits || b.pledgedCents - a.pledgedCents || a.contactId.localeCompare(b.contactId))
    .slice(0, top)
    .map((x) => ({
      contactId: x.contactId, firstName: x.row!.first_name, consented: Number(x.row!.show_name) === 1 && x.row!.status === 'subscribed',
      recruits: x.recruits, pledgedCents: x.pledgedCents,
    }));
  return {
    codes: real.filter((x) => x.code !== null).length,
    credited: real.filter((x) => x.recruited_by !== null).length,
    signups: Number(signupRow?.n ?? 0),
    depth,
    topRecruiters,
    teams: yield* teamCountsWork(r, campaignId),
  };
}

function* pageWork(r: Runner, token: string): Work<SupporterPage | undefined> {
  const k = r.k;
  const row = yield* first(
    k.selectFrom('referrals as r').innerJoin('contacts as c', 'c.id', 'r.contact_id')
      .select(['r.campaign_id', 'r.contact_id', 'r.code', 'r.goal', 'c.first_name', 'c.status'])
      .where('r.page_token', '=', token),
  );
  // Opting out hides the page at once: the same 404 as a token that never existed.
  if (!row || row.status === 'opted_out') return undefined;
  const friends = yield* all(
    k.selectFrom('referrals as r').innerJoin('contacts as c', 'c.id', 'r.contact_id')
      .select(['r.contact_id', latestMonthly('r.contact_id', row.campaign_id).as('pledged')])
      .where('r.campaign_id', '=', row.campaign_id).where('r.recruited_by', '=', row.contact_id).where('c.is_test', '=', 0),
  );
  return {
    campaignId: row.campaign_id, contactId: row.contact_id, firstName: row.first_name, code: row.code, goal: row.goal,
    recruits: friends.length, pledgedCents: friends.reduce((s, f) => s + Number(f.pledged ?? 0), 0),
  };
}

function* leaderboardWork(r: Runner, campaignId: string, top: number): Work<LeaderboardRows> {
  const k = r.k;
  const recruiters = yield* all(
    k.selectFrom('referrals as f')
      .innerJoin('contacts as rc', 'rc.id', 'f.recruited_by')
      .leftJoin('referrals as own', (j) => j.onRef('own.contact_id', '=', 'f.recruited_by').onRef('own.campaign_id', '=', 'f.campaign_id'))
      .select((eb) => ['f.recruited_by', 'rc.first_name', 'own.show_name', eb.fn.countAll<number>().as('n')])
      .where('f.campaign_id', '=', campaignId)
      .where('f.recruited_by', 'is not', null)
      .where('rc.status', '=', 'subscribed')
      .where('rc.is_test', '=', 0)
      .groupBy(['f.recruited_by', 'rc.first_name', 'own.show_name'])
      .orderBy('n', 'desc')
      .orderBy('f.recruited_by')
      .limit(top),
  );
  const teams = yield* all(
    k.selectFrom('contact_teams as t').innerJoin('contacts as c', 'c.id', 't.contact_id')
      .select((eb) => ['t.team', eb.fn.countAll<number>().as('n')])
      .where('t.campaign_id', '=', campaignId).where('c.status', '<>', 'opted_out').where('c.is_test', '=', 0)
      .groupBy('t.team').orderBy('n', 'desc').orderBy('t.team').limit(top),
  );
  return {
    recruiters: recruiters.map((x) => ({ firstName: x.first_name, consented: Number(x.show_name ?? 0) === 1, recruits: Number(x.n) })),
    teams: teams.map((x) => ({ team: x.team, members: Number(x.n) })),
  };
}

function* teamPageWork(r: Runner, token: string): Work<TeamPage | undefined> {
  const row = yield* first(r.k.selectFrom('team_pages').select(['campaign_id', 'team']).where('token', '=', token));
  if (!row) return undefined;
  const counts = (yield* teamCountsWork(r, row.campaign_id, row.team)).find((t) => t.team === row.team);
  return { campaignId: row.campaign_id, team: row.team, members: counts?.members ?? 0, pledgedCents: counts?.pledgedCents ?? 0 };
}

export class ReferralsStore implements ReferralsRepository {
  constructor(private readonly db: Runner) {}

  teamPage(token: string): Promise<TeamPage | undefined> {
    return this.db.read(teamPageWork(this.db, token));
  }

  async teamTokens(campaignId: string): Promise<Map<string, string>> {
    const rows = await this.db.read(all(this.db.k.selectFrom('team_pages').select(['team', 'token']).where('campaign_id', '=', campaignId)));
    return new Map(rows.map((x) => [x.team, x.token]));
  }

  leaderboard(campaignId: string, top: number): Promise<LeaderboardRows> {
    return this.db.read(leaderboardWork(this.db, campaignId, top));
  }

  totals(campaignId: string, top: number): Promise<ReferralTotals | null> {
    return this.db.read(totalsWork(this.db, campaignId, top));
  }

  page(token: string): Promise<SupporterPage | undefined> {
    return this.db.read(pageWork(this.db, token));
  }

  teamCounts(campaignId: string): Promise<TeamCount[]> {
    return this.db.read(teamCountsWork(this.db, campaignId));
  }
}
