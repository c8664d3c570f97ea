/**
 * A campaign's pledges against its payments: GET /api/pledges/summary, the console and the live
 * screen. Each person's latest pledge counts once (a re-pledge replaces); paid is every payment
 * matched to the campaign minus refunds; statuses are worked out now (paid / lapsed by month).
 */
import type { Clock } from '../../core/clock';
import { PLEDGE_STATUSES, pledgeStatus, type PledgeStatusView } from '../../core/donations';
import type { Store } from '../../store/store';

export interface PledgeSummary {
  campaignId: string;
  pledgedCents: number;
  /** Monthly pledges only: the monthly total the live screen shows. */
  monthlyPledgedCents: number;
  paidCents: number;
  pledges: number;
  clicks: number;
  byStatus: Record<PledgeStatusView, number>;
}

export async function pledgeSummary(deps: { store: Pick<Store, 'pledges'>; clock: Clock }, campaignId: string): Promise<PledgeSummary> {
  const now = deps.clock.now();
  const f = await deps.store.pledges.figures(campaignId);
  const byStatus = Object.fromEntries(PLEDGE_STATUSES.map((s) => [s, 0])) as Record<PledgeStatusView, number>;
  let pledgedCents = 0;
  let monthlyPledgedCents = 0;
  let clicks = 0;
  for (const p of f.pledges) {
    pledgedCents += p.amountCents;
    if (p.frequency === 'monthly') monthlyPledgedCents += p.amountCents;
    clicks += p.clicks;
    byStatus[pledgeStatus(p, now)]++;
  }
  return { campaignId, pledgedCents, monthlyPledgedCents, paidCents: f.paidCents, pledges: f.pledges.length, clicks, byStatus };
}
