/**
 * Putting people in the database for export/import tests: through the real texting flow
 * (signed webhooks), or as rows written straight to the real SQLite file for values the flow
 * would never accept (formula-looking names, newlines) but an import or an old database could hold.
 */
import type { RequestListener } from 'node:http';
import type { SqliteDb } from '../../src/store/sqlite/db';
import { text } from './app';

export interface SignUp {
  name?: string;
  zip?: string;
  pledge?: string;
  email?: string;
}

/** JOIN (or another keyword) and answer the demo flow; SKIP where a value is not given. */
export async function signUp(app: RequestListener, phone: string, answers: SignUp, keyword = 'JOIN', to = '62262'): Promise<void> {
  await text(app, phone, keyword, {}, to);
  await text(app, phone, answers.name ?? 'Sam', {}, to);
  await text(app, phone, answers.zip ?? '60601', {}, to);
  await text(app, phone, answers.pledge ?? 'SKIP', {}, to);
  await text(app, phone, answers.email ?? 'SKIP', {}, to);
}

export interface RawContact {
  id: string;
  phone: string;
  first_name?: string | null;
  zip?: string | null;
  email?: string | null;
  status?: 'pending' | 'subscribed' | 'opted_out';
  is_test?: number;
  opted_out_at?: string | null;
  created_at?: string;
}

export function insertContact(store: SqliteDb, c: RawContact): void {
  const at = c.created_at ?? '2026-11-21T19:00:00.000Z';
  store.sqlite
    .prepare(
      'INSERT INTO contacts (id, phone, first_name, zip, email, status, is_test, opted_out_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(c.id, c.phone, c.first_name ?? null, c.zip ?? null, c.email ?? null, c.status ?? 'subscribed', c.is_test ?? 0, c.opted_out_at ?? null, at, at);
}

export function addMember(store: SqliteDb, campaignId: string, contactId: string, joinedAt: string, completedAt: string | null = null): void {
  store.sqlite
    .prepare("INSERT INTO campaign_members (campaign_id, contact_id, keyword, joined_at, completed_at) VALUES (?, ?, 'JOIN', ?, ?)")
    .run(campaignId, contactId, joinedAt, completedAt);
}

export function demoCampaignId(store: SqliteDb): string {
  return (store.sqlite.prepare("SELECT id FROM campaigns WHERE name = 'Demo rally'").get() as { id: string }).id;
}
