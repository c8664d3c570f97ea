/**
 * The pledges repository (both engines): tracked link clicks, payments matched to pledges, the
 * figures of a campaign's pledges. A click and a batch of donations are one transaction each.
 */
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { DB } from '../database';
import { param, query } from '../query';
import { all, exec, first, get, run, type Runner, type Work } from '../work';
import type { DonationOutcome, DonationRecord, LinkTarget, PledgeFigures, PledgesRepository } from './repository';

type Match = { pledgeId: string; contactId: string; campaignId: string; matchedBy: 'refcode' | 'phone' | 'email' };

const LINK = query<
  { kind: 'donation' | 'url'; target: string | null; pledge_id: string | null; contact_id: string | null; campaign_id: string | null },
  { code: string }
>((k) => k.selectFrom('tracked_links').select(['kind', 'target', 'pledge_id', 'contact_id', 'campaign_id']).where('code', '=', param<string>('code')));

const COUNT_CLICK = query<unknown, { code: string; at: string }>((k) =>
  k.updateTable('tracked_links')
    .set((eb) => ({
      clicks: eb('clicks', '+', 1),
      first_clicked_at: eb.fn.coalesce('first_clicked_at', eb.val(param<string>('at'))),
      last_clicked_at: param('at'),
    }))
    .where('code', '=', param<string>('code')),
);

const PLEDGE_CLICKED = query<unknown, { id: string }>((k) =>
  k.updateTable('pledges').set({ status: sql.lit('clicked') }).where('id', '=', param<string>('id')).where(sql<SqlBool>`status IN ('pledged', 'link_sent')`),
);

const DONATION_TARGET = query<
  { donation_url: string | null; amount_cents: number | null; frequency: 'monthly' | 'once' | null; ref: string | null; first_name: string | null; email: string | null; zip: string | null },
  { campaignId: string | null; contactId: string | null; pledgeId: string | null }
>((k) =>
  k.selectFrom('contacts as c')
    .leftJoin('campaigns as ca', (j) => j.on('ca.id', '=', param<string>('campaignId')))
    .leftJoin('pledges as p', (j) => j.on('p.id', '=', param<string>('pledgeId')))
    .select(['ca.donation_url', 'p.amount_cents', 'p.frequency', 'p.ref', 'c.first_name', 'c.email', 'c.zip'])
    .where('c.id', '=', param<string>('contactId')),
);

const SEEN = query<{ id: string }, { contributionId: string; kind: string }>((k) =>
  k.selectFrom('donations').select('id').where('contribution_id', '=', param<string>('contributionId')).where('kind', '=', param<'payment'>('kind')),
);

const BY_REF = query<{ id: string; contact_id: string; campaign_id: string }, { ref: string }>((k) =>
  k.selectFrom('pledges').select(['id', 'contact_id', 'campaign_id']).where('ref', '=', param<string>('ref')),
);

const LATEST_BY_PHONE = query<{ id: string; contact_id: string; campaign_id: string }, { phone: string }>((k) =>
  k.selectFrom('contacts as c').innerJoin('pledges as p', 'p.contact_id', 'c.id')
    .select(['p.id', 'p.contact_id', 'p.campaign_id']).where('c.phone', '=', param<string>('phone'))
    .orderBy(sql`p.rowid`, 'desc').limit(1),
);

const LATEST_BY_EMAIL = query<{ id: string; contact_id: string; campaign_id: string }, { email: string }>((k) =>
  k.selectFrom('contacts as c').innerJoin('pledges as p', 'p.contact_id', 'c.id')
    .select(['p.id', 'p.contact_id', 'p.campaign_id']).where(sql`lower(c.email)`, '=', param<string>('email'))
    .orderBy(sql`p.rowid`, 'desc').limit(1),
);

const INSERT_DONATION = query<unknown, DB['donations']>((k) =>
  k.insertInto('donations').values({
    id: param('id'), contribution_id: param('contribution_id'), kind: param('kind'), source: param('source'), amount_cents: param('amount_cents'),
    refcode: param('refcode'), phone: param('phone'), email: param('email'), paid_at: param('paid_at'), pledge_id: param('pledge_id'),
    contact_id: param('contact_id'), campaign_id: param('campaign_id'), matched_by: param('matched_by'), received_at: param('received_at'),
  }),
);

const PLEDGE_PAID = query<unknown, { id: string }>((k) =>
  k.updateTable('pledges').set({ status: sql.lit('paid') }).where('id', '=', param<string>('id')),
);

function* matchOf(r: DonationRecord): Work<Match | null> {
  if (r.refcode) {
    const p = yield* get(BY_REF, { ref: r.refcode });
    if (p) return { pledgeId: p.id, contactId: p.contact_id, campaignId: p.campaign_id, matchedBy: 'refcode' };
  }
  if (r.phone) {
    const p = yield* get(LATEST_BY_PHONE, { phone: r.phone });
    if (p) return { pledgeId: p.id, contactId: p.contact_id, campaignId: p.campaign_id, matchedBy: 'phone' };
  }
  if (r.email) {
    const p = yield* get(LATEST_BY_EMAIL, { email: r.email });
    if (p) return { pledgeId: p.id, contactId: p.contact_id, campaignId: p.campaign_id, matchedBy: 'email' };
  }
  return null;
}

function* recordWork(
  records: readonly DonationRecord[], dryRun: boolean, source: 'webhook' | 'import', at: string, newId: () => string,
): Work<DonationOutcome[]> {
  const out: DonationOutcome[] = [];
  const inBatch = new Set<string>();
  for (const r of records) {
    const key = `${r.kind}\u0000${r.contributionId}`;
    if (inBatch.has(key) || (yield* get(SEEN, { contributionId: r.contributionId, kind: r.kind }))) {
      out.push({ outcome: 'duplicate' });
      continue;
    }
    inBatch.add(key);
    const m = yield* matchOf(r);
    out.push(m ? { outcome: r.kind === 'payment' ? 'paid' : 'refunded', matchedBy: m.matchedBy, pledgeId: m.pledgeId, campaignId: m.campaignId } : { outcome: 'unmatched' });
    if (dryRun) continue;
    // An unmatched payment is kept too: it is money received, and a later pledge may explain it.
    yield* exec(INSERT_DONATION, {
      id: newId(), contribution_id: r.contributionId, kind: r.kind, source, amount_cents: r.amountCents, refcode: r.refcode, phone: r.phone,
      email: r.email, paid_at: r.paidAt, pledge_id: m?.pledgeId ?? null, contact_id: m?.contactId ?? null, campaign_id: m?.campaignId ?? null,
      matched_by: m?.matchedBy ?? null, received_at: at,
    });
    if (m && r.kind === 'payment') yield* exec(PLEDGE_PAID, { id: m.pledgeId });
  }
  return out;
}

function* figuresWork(k: Kysely<DB>, campaignId: string): Work<{ pledges: PledgeFigures[]; paidCents: number }> {
  const rows = yield* all(
    k.selectFrom('pledges as p')
      .select((eb) => [
        'p.id', 'p.contact_id', 'p.campaign_id', 'p.amount_cents', 'p.frequency', 'p.status',
        eb.selectFrom('donations as d').select((e) => e.fn.coalesce(e.fn.sum<number>('d.amount_cents'), e.lit(0)).as('s')).whereRef('d.pledge_id', '=', 'p.id').as('paid_cents'),
        eb.selectFrom('donations as d').select((e) => e.fn.max('d.paid_at').as('m')).whereRef('d.pledge_id', '=', 'p.id').where('d.kind', '=', 'payment').as('last_paid_at'),
        eb.selectFrom('tracked_links as l').select((e) => e.fn.coalesce(e.fn.sum<number>('l.clicks'), e.lit(0)).as('c')).whereRef('l.pledge_id', '=', 'p.id').as('clicks'),
      ])
      .where('p.campaign_id', '=', campaignId)
      .where((eb) =>
        eb.not(eb.exists(
          eb.selectFrom('pledges as q').select(eb.lit(1).as('one'))
            .whereRef('q.contact_id', '=', 'p.contact_id').whereRef('q.campaign_id', '=', 'p.campaign_id').where(sql<SqlBool>`q.rowid > p.rowid`),
        )),
      )
      .orderBy(sql`p.rowid`),
  );
  const paid = yield* first(
    k.selectFrom('donations').select((e) => e.fn.coalesce(e.fn.sum<number>('amount_cents'), e.lit(0)).as('s')).where('campaign_id', '=', campaignId),
  );
  return {
    paidCents: Number(paid?.s ?? 0),
    pledges: rows.map((r) => ({
      id: r.id, contactId: r.contact_id, campaignId: r.campaign_id, amountCents: Number(r.amount_cents), frequency: r.frequency, status: r.status,
      paidCents: Number(r.paid_cents ?? 0), lastPaidAt: (r.last_paid_at as string | null) ?? null, clicks: Number(r.clicks ?? 0),
    })),
  };
}

/** How a payment finds its pledge (refcode, else phone, else email): each one index lookup (test/pledges/matching-plans.test.ts). */
export const MATCH_QUERIES = { byRef: BY_REF, byPhone: LATEST_BY_PHONE, byEmail: LATEST_BY_EMAIL };

export class PledgesStore implements PledgesRepository {
  constructor(private readonly db: Runner) {}

  click(code: string, at: Date): Promise<LinkTarget | undefined> {
    return this.db.tx(
      (function* (): Work<LinkTarget | undefined> {
        const link = yield* get(LINK, { code });
        if (!link) return undefined;
        yield* exec(COUNT_CLICK, { code, at: at.toISOString() });
        if (link.kind === 'url') return { kind: 'url', target: link.target ?? '' };
        if (link.pledge_id) yield* exec(PLEDGE_CLICKED, { id: link.pledge_id });
        const t = yield* get(DONATION_TARGET, { campaignId: link.campaign_id, contactId: link.contact_id, pledgeId: link.pledge_id });
        return {
          kind: 'donation', donationUrl: t?.donation_url ?? null, amountCents: t?.amount_cents ?? null, frequency: t?.frequency ?? null,
          ref: t?.ref ?? null, firstName: t?.first_name ?? null, email: t?.email ?? null, zip: t?.zip ?? null,
        };
      })(),
    );
  }

  recordDonations(
    records: readonly DonationRecord[], r: { dryRun: boolean; source: 'webhook' | 'import'; at: Date; newId: () => string },
  ): Promise<DonationOutcome[]> {
    const work = recordWork(records, r.dryRun, r.source, r.at.toISOString(), r.newId);
    return r.dryRun ? this.db.read(work) : this.db.tx(work);
  }

  figures(campaignId: string): Promise<{ pledges: PledgeFigures[]; paidCents: number }> {
    return this.db.read(figuresWork(this.db.k, campaignId));
  }

  async broadcastLinks(broadcastId: string): Promise<{ code: string; target: string; clicks: number }[]> {
    const k = this.db.k;
    const rows = await this.db.read(
      all(k.selectFrom('tracked_links').select(['code', 'target', 'clicks']).where('broadcast_id', '=', broadcastId).where('kind', '=', 'url').orderBy('created_at').orderBy('code')),
    );
    return rows.map((r) => ({ code: r.code, target: r.target ?? '', clicks: Number(r.clicks) }));
  }

  async broadcastDonationLinks(broadcastId: string): Promise<{ sent: number; clicked: number; clicks: number }> {
    const k = this.db.k;
    const row = await this.db.read(
      first(
        k.selectFrom('tracked_links')
          .select((eb) => [
            eb.fn.countAll<number>().as('sent'),
            eb.fn.sum<number>(eb.case().when('clicks', '>', 0).then(1).else(0).end()).as('clicked'),
            eb.fn.sum<number>('clicks').as('clicks'),
          ])
          .where('broadcast_id', '=', broadcastId).where('kind', '=', 'donation'),
      ),
    );
    return { sent: Number(row?.sent ?? 0), clicked: Number(row?.clicked ?? 0), clicks: Number(row?.clicks ?? 0) };
  }

  broadcastLink(broadcastId: string, campaignId: string | null, target: string, code: string, at: Date): Promise<string> {
    const k = this.db.k;
    return this.db.tx(
      (function* (): Work<string> {
        const found = yield* first(
          k.selectFrom('tracked_links').select('code').where('broadcast_id', '=', broadcastId).where('kind', '=', 'url').where('target', '=', target),
        );
        if (found) return found.code;
        yield* run(k.insertInto('tracked_links').values({
          code, kind: 'url', target, campaign_id: campaignId, broadcast_id: broadcastId, clicks: 0, created_at: at.toISOString(),
        }));
        return code;
      })(),
    );
  }
}
