/** The SQLite read behind every "campaign by id or name" filter, shared by the exports and imports repositories. */
import type { CampaignRef } from '../campaign-ref';
import type { SqliteDb } from './db';

const COLUMNS = ['id', 'name', 'sender', 'active'] as const;

/** Campaigns whose id is `given`, else those whose name equals it ignoring case. */
export function campaignRefs(store: SqliteDb, given: string): CampaignRef[] {
  const byId = store.first(store.db.selectFrom('campaigns').select(COLUMNS).where('id', '=', given));
  const rows = byId
    ? [byId]
    : store.all(store.db.selectFrom('campaigns').select(COLUMNS).where((eb) => eb(eb.fn('lower', ['name']), '=', given.toLowerCase())));
  return rows.map((c) => ({ id: c.id, name: c.name, sender: c.sender, active: c.active === 1 }));
}
