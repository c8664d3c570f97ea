/**
 * The console's view of contacts: search by phone or name, one contact's full record (captured
 * fields, campaigns, pledges, the whole consent ledger, recent texts), and the manual opt-out.
 */
import type { IdGenerator } from '../core/clock';
import type { ContactStatus } from '../core/compliance';
import { AppError } from '../shared/errors';
import type { SqliteDb } from './sqlite/db';

export interface ContactSummary {
  id: string;
  phone: string;
  firstName: string | null;
  zip: string | null;
  email: string | null;
  status: ContactStatus;
  undeliverable: boolean;
  isTest: boolean;
  createdAt: string;
  updatedAt: string;
}

interface ContactRow {
  id: string; phone: string; first_name: string | null; zip: string | null; email: string | null; fields: string;
  status: ContactStatus; undeliverable: number; is_test: number; from_state: string | null; opted_out_at: string | null;
  created_at: string; updated_at: string;
}

const summary = (r: ContactRow): ContactSummary => ({
  id: r.id, phone: r.phone, firstName: r.first_name, zip: r.zip, email: r.email, status: r.status,
  undeliverable: r.undeliverable === 1, isTest: r.is_test === 1, createdAt: r.created_at, updatedAt: r.updated_at,
});

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export const SEARCH_LIMIT = 50;

/**
 * Digits (3 or more, no letters) search phone numbers anywhere in the number; anything else
 * searches first names (prefix, any case) and emails. An empty query lists the latest contacts.
 */
export function searchContacts(store: SqliteDb, query: string, includeTest: boolean): ContactSummary[] {
  const q = query.trim().slice(0, 100);
  const test = includeTest ? '' : ' AND is_test = 0';
  const digits = q.replace(/\D/g, '');
  let rows: ContactRow[];
  if (q === '') {
    rows = store.prepare(`SELECT * FROM contacts WHERE 1 = 1${test} ORDER BY updated_at DESC, rowid DESC LIMIT ?`).all(SEARCH_LIMIT) as ContactRow[];
  } else if (!/\p{L}/u.test(q) && digits.length >= 3) {
    rows = store
      .prepare(`SELECT * FROM contacts WHERE phone LIKE ? ESCAPE '\\'${test} ORDER BY updated_at DESC LIMIT ?`)
      .all(`%${likeEscape(digits)}%`, SEARCH_LIMIT) as ContactRow[];
  } else {
    rows = store
      .prepare(
        `SELECT * FROM contacts WHERE (first_name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')${test} ORDER BY first_name COLLATE NOCASE, updated_at DESC LIMIT ?`,
      )
      .all(`${likeEscape(q)}%`, `%${likeEscape(q)}%`, SEARCH_LIMIT) as ContactRow[];
  }
  return rows.map(summary);
}

export interface ContactRecord {
  contact: ContactSummary & { fromState: string | null; optedOutAt: string | null };
  fields: Record<string, unknown>;
  memberships: { campaignId: string; campaignName: string; keyword: string; joinedAt: string; completedAt: string | null }[];
  pledges: { campaignName: string; amountCents: number; frequency: string; at: string }[];
  consent: { kind: string; via: string; keyword: string | null; sender: string | null; campaignName: string | null; messageSid: string | null; at: string }[];
  messages: { direction: 'in' | 'out'; body: string; status: string; at: string }[];
}

export function contactRecord(store: SqliteDb, id: string): ContactRecord {
  const r = store.prepare('SELECT * FROM contacts WHERE id = ?').get(id) as ContactRow | undefined;
  if (!r) throw new AppError('not_found', 'No such contact.');
  let fields: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(r.fields) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) fields = parsed as Record<string, unknown>;
  } catch {
    fields = {};
  }
  const memberships = (store
    .prepare(
      'SELECT m.campaign_id, c.name, m.keyword, m.joined_at, m.completed_at FROM campaign_members m JOIN campaigns c ON c.id = m.campaign_id ' +
        'WHERE m.contact_id = ? ORDER BY m.joined_at',
    )
    .all(id) as { campaign_id: string; name: string; keyword: string; joined_at: string; completed_at: string | null }[]).map((m) => ({
    campaignId: m.campaign_id, campaignName: m.name, keyword: m.keyword, joinedAt: m.joined_at, completedAt: m.completed_at,
  }));
  const pledges = (store
    .prepare('SELECT c.name, p.amount_cents, p.frequency, p.at FROM pledges p JOIN campaigns c ON c.id = p.campaign_id WHERE p.contact_id = ? ORDER BY p.at, p.rowid')
    .all(id) as { name: string; amount_cents: number; frequency: string; at: string }[]).map((p) => ({
    campaignName: p.name, amountCents: p.amount_cents, frequency: p.frequency, at: p.at,
  }));
  const consent = (store
    .prepare(
      'SELECT e.kind, e.via, e.keyword, e.sender, c.name AS campaign_name, e.message_sid, e.at FROM consent_events e ' +
        'LEFT JOIN campaigns c ON c.id = e.campaign_id WHERE e.contact_id = ? ORDER BY e.at, e.rowid',
    )
    .all(id) as { kind: string; via: string; keyword: string | null; sender: string | null; campaign_name: string | null; message_sid: string | null; at: string }[]).map(
    (e) => ({ kind: e.kind, via: e.via, keyword: e.keyword, sender: e.sender, campaignName: e.campaign_name, messageSid: e.message_sid, at: e.at }),
  );
  const messages = (store
    .prepare(
      "SELECT * FROM (SELECT 'in' AS direction, body, 'received' AS status, received_at AS at, rowid AS seq, 0 AS pos FROM inbound_messages WHERE contact_id = ? " +
        "UNION ALL SELECT 'out', o.body, o.status, o.created_at, coalesce(i.rowid, 0), 1 + o.position FROM outbound_messages o LEFT JOIN inbound_messages i ON i.id = o.inbound_id WHERE o.contact_id = ?) " +
        'ORDER BY at DESC, seq DESC, pos DESC LIMIT 50',
    )
    .all(id, id) as { direction: 'in' | 'out'; body: string; status: string; at: string }[]).reverse();
  return {
    contact: { ...summary(r), fromState: r.from_state, optedOutAt: r.opted_out_at },
    fields, memberships, pledges, consent, messages,
  };
}

/**
 * An organizer records that a person asked to stop (by phone, email, in person): the same end
 * state as a STOP text. Status opted_out (so the outbox's `mayText` refuses every later text),
 * an opt_out consent event via 'admin', and any open conversation interrupted. No confirmation
 * text is sent. Returns false when the contact was already opted out (nothing changes).
 */
export function optOutByAdmin(store: SqliteDb, contactId: string, newId: IdGenerator, now: Date): boolean {
  const at = now.toISOString();
  return store.tx(() => {
    const row = store
      .prepare(
        "UPDATE contacts SET status = 'opted_out', opted_out_at = coalesce(opted_out_at, ?), updated_at = ? WHERE id = ? AND status != 'opted_out' RETURNING phone",
      )
      .get(at, at, contactId) as { phone: string } | undefined;
    if (!row) {
      if (!store.prepare('SELECT 1 FROM contacts WHERE id = ?').get(contactId)) throw new AppError('not_found', 'No such contact.');
      return false;
    }
    store
      .prepare(
        "INSERT INTO consent_events (id, contact_id, phone, sender, campaign_id, kind, via, keyword, message_sid, at) VALUES (?, ?, ?, NULL, NULL, 'opt_out', 'admin', NULL, NULL, ?)",
      )
      .run(newId(), contactId, row.phone, at);
    store
      .prepare("UPDATE conversations SET status = 'interrupted', ended_at = ?, updated_at = ? WHERE contact_id = ? AND status = 'waiting'")
      .run(at, at, contactId);
    return true;
  });
}
