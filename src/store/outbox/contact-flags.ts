/**
 * What Twilio and the carriers tell us about a number, written onto the contact:
 * a carrier-level opt-out (error 21610) is an opt-out like any STOP, recorded in the consent
 * ledger (via 'carrier'); an invalid or unreachable number is flagged undeliverable so bulk texts
 * skip it. Run inside the caller's transaction.
 */
import type { IdGenerator } from '../../core/clock';
import type { SqliteDb } from '../sqlite/db';

const OPT_OUT_SQL =
  "UPDATE contacts SET status = 'opted_out', opted_out_at = coalesce(opted_out_at, ?), updated_at = ? WHERE id = ? AND status != 'opted_out' " +
  'RETURNING phone';
const CONSENT_SQL =
  "INSERT INTO consent_events (id, contact_id, phone, sender, campaign_id, kind, via, keyword, message_sid, at) VALUES (?, ?, ?, ?, ?, 'opt_out', 'carrier', NULL, ?, ?)";
const UNDELIVERABLE_SQL = 'UPDATE contacts SET undeliverable = 1, updated_at = ? WHERE id = ? AND undeliverable = 0';

export interface CarrierOptOut {
  contactId: string;
  sender: string | null;
  campaignId: string | null;
  /** The message Twilio refused or reported on, as evidence. */
  messageSid: string | null;
}

/** Returns true when the contact was subscribed (or pending) and is now opted out. */
export function markCarrierOptOut(store: SqliteDb, o: CarrierOptOut, newId: IdGenerator, now: string): boolean {
  const row = store.prepare(OPT_OUT_SQL).get(now, now, o.contactId) as { phone: string } | undefined;
  if (!row) return false;
  store.prepare(CONSENT_SQL).run(newId(), o.contactId, row.phone, o.sender, o.campaignId, o.messageSid, now);
  return true;
}

export function markUndeliverable(store: SqliteDb, contactId: string, now: string): boolean {
  return store.prepare(UNDELIVERABLE_SQL).run(now, contactId).changes > 0;
}
