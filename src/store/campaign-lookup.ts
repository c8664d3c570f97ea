/** Find a campaign by id or by exact (case-insensitive) name, as organizers type it in filters. */
import { AppError } from '../shared/errors';
import type { SqliteDb } from './sqlite/db';

export interface CampaignRef {
  id: string;
  name: string;
  sender: string;
  active: boolean;
}

export function resolveCampaign(store: SqliteDb, given: string): CampaignRef {
  const cols = ['id', 'name', 'sender', 'active'] as const;
  const byId = store.first(store.db.selectFrom('campaigns').select(cols).where('id', '=', given));
  const rows = byId
    ? [byId]
    : store.all(store.db.selectFrom('campaigns').select(cols).where((eb) => eb(eb.fn('lower', ['name']), '=', given.toLowerCase())));
  if (rows.length === 1) {
    const c = rows[0]!;
    return { id: c.id, name: c.name, sender: c.sender, active: c.active === 1 };
  }
  if (rows.length > 1) {
    throw new AppError('bad_request', `more than one campaign is named "${given}"; pass its id`, rows.map((c) => ({ path: 'campaign', message: c.id })));
  }
  throw new AppError('not_found', `campaign "${given}" not found (pass its id or exact name)`);
}
