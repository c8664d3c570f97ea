/**
 * Display links for the live rally screen: one unguessable token per campaign (192 random bits),
 * created when an organizer first opens the campaign, rotated on demand (the old link stops
 * working at once), and the moment "tonight" starts counting from.
 */
import { randomBytes } from 'node:crypto';
import type { SqliteDb } from './sqlite/db';

export interface LiveDisplay {
  campaignId: string;
  token: string;
  /** ISO instant "tonight" counts from; null = the last 12 hours. */
  countingFrom: string | null;
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function toDisplay(r: { campaign_id: string; token: string; counting_from: string | null }): LiveDisplay {
  return { campaignId: r.campaign_id, token: r.token, countingFrom: r.counting_from };
}

export function displayForCampaign(store: SqliteDb, campaignId: string): LiveDisplay | undefined {
  const r = store.first(store.db.selectFrom('live_displays').selectAll().where('campaign_id', '=', campaignId));
  return r ? toDisplay(r) : undefined;
}

/** The campaign's display link, created on first use. */
export function ensureDisplay(store: SqliteDb, campaignId: string, now: Date): LiveDisplay {
  const at = now.toISOString();
  store.run(
    store.db
      .insertInto('live_displays')
      .values({ campaign_id: campaignId, token: newToken(), counting_from: null, created_at: at, updated_at: at })
      .onConflict((oc) => oc.column('campaign_id').doNothing()),
  );
  return displayForCampaign(store, campaignId)!;
}

export function displayByToken(store: SqliteDb, token: string): LiveDisplay | undefined {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return undefined;
  const r = store.first(store.db.selectFrom('live_displays').selectAll().where('token', '=', token));
  return r ? toDisplay(r) : undefined;
}

export function rotateDisplayToken(store: SqliteDb, campaignId: string, now: Date): LiveDisplay {
  ensureDisplay(store, campaignId, now);
  store.run(store.db.updateTable('live_displays').set({ token: newToken(), updated_at: now.toISOString() }).where('campaign_id', '=', campaignId));
  return displayForCampaign(store, campaignId)!;
}

export function setCountingFrom(store: SqliteDb, campaignId: string, from: string | null, now: Date): LiveDisplay {
  ensureDisplay(store, campaignId, now);
  store.run(store.db.updateTable('live_displays').set({ counting_from: from, updated_at: now.toISOString() }).where('campaign_id', '=', campaignId));
  return displayForCampaign(store, campaignId)!;
}
