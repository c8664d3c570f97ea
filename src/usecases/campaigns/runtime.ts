/**
 * Active campaigns as the router needs them, read through the store. A campaign whose stored
 * flow no longer parses is logged and skipped: one broken campaign must not take the gateway down.
 */
import type { Logger } from 'pino';
import type { CampaignRuntime } from '../../core/campaign';
import type { Store } from '../../store/store';

export async function loadRuntimeCampaigns(store: Store, logger: Logger): Promise<CampaignRuntime[]> {
  const { campaigns, skipped } = await store.campaigns.runtime();
  for (const s of skipped) {
    if (s.problems) logger.error({ campaignId: s.campaignId, problems: s.problems }, 'campaign skipped: stored flow is invalid');
    else logger.error({ campaignId: s.campaignId, err: s.error }, 'campaign skipped: stored flow is not JSON');
  }
  return campaigns;
}
