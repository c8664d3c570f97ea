/**
 * The campaign an export or import filter names: organizers type an id or a name, and exactly one
 * campaign must answer to it. Shared by the exports and imports use cases.
 */
import { AppError } from '../shared/errors';
import type { CampaignRef } from '../store/campaign-ref';

export type { CampaignRef };

/** Exactly one of the campaigns found for `given`, or an AppError saying why not. */
export function oneCampaign(given: string, found: readonly CampaignRef[]): CampaignRef {
  if (found.length === 1) return found[0]!;
  if (found.length > 1) {
    throw new AppError('bad_request', `more than one campaign is named "${given}"; pass its id`, found.map((c) => ({ path: 'campaign', message: c.id })));
  }
  throw new AppError('not_found', `campaign "${given}" not found (pass its id or exact name)`);
}
