/**
 * Transitional: the synchronous campaign reads that code not yet behind the Store still uses
 * (the campaign registry, the rehearse, broadcast and export pages). The repository lives in
 * src/store/campaigns/; the lead deletes this file once those callers use it.
 */
import type { Logger } from 'pino';
import type { CampaignRuntime } from '../core/campaign';
import type { CampaignView } from './campaigns/repository';
import { listNow, runtimeNow, versionNow } from './campaigns/sqlite';
import type { SqliteDb } from './sqlite/db';

export type { CampaignView };

export function campaignsVersion(store: SqliteDb): string {
  return versionNow(store);
}

export function listCampaigns(store: SqliteDb, includeInactive = false): CampaignView[] {
  return listNow(store, includeInactive);
}

/** Active campaigns as the router needs them; a campaign whose flow no longer parses is logged and skipped. */
export function loadRuntimeCampaigns(store: SqliteDb, logger: Logger): CampaignRuntime[] {
  const { campaigns, skipped } = runtimeNow(store);
  for (const s of skipped) {
    if (s.problems) logger.error({ campaignId: s.campaignId, problems: s.problems }, 'campaign skipped: stored flow is invalid');
    else logger.error({ campaignId: s.campaignId, err: s.error }, 'campaign skipped: stored flow is not JSON');
  }
  return campaigns;
}
