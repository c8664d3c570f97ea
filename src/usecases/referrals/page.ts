/**
 * A supporter's own page (/p/<token>, issue 13) as data: their first name, their goal, how many
 * friends they recruited and those friends' monthly pledges, the share text. Nothing about the
 * friends beyond counts, nothing about anyone else. A token that is not one, or whose supporter
 * opted out, is null (the adapter answers the same 404 for both).
 */
import { primaryKeyword } from '../../core/campaign';
import type { Store } from '../../store/store';

/** A page token as made (128 bits, base64url): anything else is a 404 without a lookup. */
export const PAGE_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

export interface SupporterPageView {
  programName: string;
  firstName: string | null;
  goal: number | null;
  recruits: number;
  pledgedCents: number;
  /** What friends text: "JOIN ANA7K". */
  joinText: string;
  sender: string;
}

export async function supporterPage(deps: { store: Pick<Store, 'referrals' | 'campaigns'> }, token: string): Promise<SupporterPageView | null> {
  if (!PAGE_TOKEN.test(token)) return null;
  const p = await deps.store.referrals.page(token);
  if (!p) return null;
  const c = await deps.store.campaigns.find(p.campaignId);
  if (!c) return null;
  const keyword = primaryKeyword(c);
  return {
    programName: c.programName, firstName: p.firstName, goal: p.goal, recruits: p.recruits, pledgedCents: p.pledgedCents,
    joinText: p.code ? `${keyword} ${p.code}` : keyword, sender: c.sender,
  };
}
