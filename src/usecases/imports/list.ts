/** The contact imports applied so far, newest first, as organizers read them (GET /api/imports). */
import type { Store } from '../../store/store';

export interface ImportView {
  id: string;
  source: 'api' | 'cli';
  filename: string | null;
  campaignId: string | null;
  consent: 'attested' | 'none';
  totals: unknown;
  createdAt: string;
}

export async function listImports(store: Pick<Store, 'imports'>, limit: number): Promise<ImportView[]> {
  const rows = await store.imports.list(limit);
  return rows.map((i) => ({
    id: i.id, source: i.source, filename: i.filename, campaignId: i.campaign_id, consent: i.consent,
    totals: JSON.parse(i.totals) as unknown, createdAt: i.created_at,
  }));
}
