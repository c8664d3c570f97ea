/** Posting CSV files to POST /api/imports/contacts, and looking at what landed. */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { RequestListener } from 'node:http';
import type { SqliteDb } from '../../src/store/sqlite/db';
import { ADMIN_TOKEN } from './app';
import { FIXTURES } from './fixtures';

export function importFixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, 'imports', name));
}

export function postImport(app: RequestListener, body: Buffer | string, query = '', contentType = 'text/csv', token = ADMIN_TOKEN) {
  return request(app)
    .post(`/api/imports/contacts${query}`)
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', contentType)
    .send(body);
}

/** Row counts of every table an import can touch: "nothing was written" means these are unchanged. */
export function tableCounts(store: SqliteDb): Record<string, number> {
  const out: Record<string, number> = {};
  for (const table of ['contacts', 'campaign_members', 'consent_events', 'contact_imports']) {
    out[table] = (store.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }
  return out;
}

export interface ContactRow {
  phone: string;
  first_name: string | null;
  zip: string | null;
  email: string | null;
  status: string;
}

export function contactByPhone(store: SqliteDb, phone: string): ContactRow | undefined {
  return store.sqlite.prepare('SELECT phone, first_name, zip, email, status FROM contacts WHERE phone = ?').get(phone) as ContactRow | undefined;
}
