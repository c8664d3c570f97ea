/**
 * Following a tracked link (/l/<code>): count the click, then say where it goes. A donation link
 * is rendered now from the campaign's donation URL and the pledge (so a corrected donation URL
 * fixes links already sent); a link whose campaign has no donation URL any more goes nowhere.
 */
import type { Clock } from '../../core/clock';
import { amountParam, LINK_CODE, renderDonationUrl } from '../../core/donations';
import type { Store } from '../../store/store';

export async function followLink(deps: { store: Pick<Store, 'pledges'>; clock: Clock }, code: string): Promise<string | null> {
  if (!LINK_CODE.test(code)) return null;
  const t = await deps.store.pledges.click(code, deps.clock.now());
  if (!t) return null;
  if (t.kind === 'url') return t.target || null;
  if (!t.donationUrl) return null;
  return renderDonationUrl(t.donationUrl, {
    pledge_amount: t.amountCents === null ? null : amountParam(t.amountCents), pledge_ref: t.ref, first_name: t.firstName, email: t.email, zip: t.zip,
  });
}
