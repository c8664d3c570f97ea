/**
 * Transitional: the synchronous "campaign by id or exact name" lookup for code not yet behind a
 * repository. Exports and imports use their repositories' findCampaigns and
 * src/usecases/campaign-ref.ts instead; this goes once nothing imports it.
 */
import { AppError } from '../shared/errors';
import type { CampaignRef } from './campaign-ref';
import { campaignRefs } from './sqlite/campaign-refs';
import type { SqliteDb } from './sqlite/db';

export type { CampaignRef };

export function resolveCampaign(store: SqliteDb, given: string): CampaignRef {
  const rows = campaignRefs(store, given);
  if (rows.length === 1) return rows[0]!;
  if (rows.length > 1) {
    throw new AppError('bad_request', `more than one campaign is named "${given}"; pass its id`, rows.map((c) => ({ path: 'campaign', message: c.id })));
  }
  throw new AppError('not_found', `campaign "${given}" not found (pass its id or exact name)`);
}
