/** The read behind every "campaign by id or name" filter (both engines), shared by the exports and imports repositories. */
import type { Kysely } from 'kysely';
import type { CampaignRef } from './campaign-ref';
import type { DB } from './database';
import { all, first, type Work } from './work';

const COLUMNS = ['id', 'name', 'sender', 'active'] as const;

/** Campaigns whose id is `given`, else those whose name equals it ignoring case. */
export function* campaignRefs(k: Kysely<DB>, given: string): Work<CampaignRef[]> {
  const byId = yield* first(k.selectFrom('campaigns').select(COLUMNS).where('id', '=', given));
  const rows = byId
    ? [byId]
    : yield* all(k.selectFrom('campaigns').select(COLUMNS).where((eb) => eb(eb.fn('lower', ['name']), '=', given.toLowerCase())));
  return rows.map((c) => ({ id: c.id, name: c.name, sender: c.sender, active: c.active === 1 }));
}
