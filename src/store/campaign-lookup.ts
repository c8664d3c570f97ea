/**
 * Find a campaign by id or by exact (case-insensitive) name, as organizers type it in export and
 * import filters. `campaignRefs` is the SQLite read the exports and imports repositories share;
 * `resolveCampaign` is the transitional synchronous form for code not yet behind a repository.
 */
import type { Selectable } from 'kysely';
import { AppError } from '../shared/errors';
import type { CampaignsTable } from './database';
import type { SqliteDb } from './sqlite/db';

export type CampaignRef = Pick<Selectable<CampaignsTable>, 'id' | 'name' | 'sender'> & { active: boolean };

const COLUMNS = ['id', 'name', 'sender', 'active'] as const;

/** Campaigns whose id is `given`, else those whose name equals it ignoring case. */
export function campaignRefs(store: SqliteDb, given: string): CampaignRef[] {
  const byId = store.first(store.db.selectFrom('campaigns').select(COLUMNS).where('id', '=', given));
  const rows = byId
    ? [byId]
    : store.all(store.db.selectFrom('campaigns').select(COLUMNS).where((eb) => eb(eb.fn('lower', ['name']), '=', given.toLowerCase())));
  return rows.map((c) => ({ id: c.id, name: c.name, sender: c.sender, active: c.active === 1 }));
}

/** Transitional: the synchronous lookup for callers not yet moved to a repository (see src/usecases/campaign-ref.ts). */
export function resolveCampaign(store: SqliteDb, given: string): CampaignRef {
  const rows = campaignRefs(store, given);
  if (rows.length === 1) return rows[0]!;
  if (rows.length > 1) {
    throw new AppError('bad_request', `more than one campaign is named "${given}"; pass its id`, rows.map((c) => ({ path: 'campaign', message: c.id })));
  }
  throw new AppError('not_found', `campaign "${given}" not found (pass its id or exact name)`);
}
