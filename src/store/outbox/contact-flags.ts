/**
 * What Twilio and the carriers tell us about a number, written onto the contact:
 * a carrier-level opt-out (error 21610) is an opt-out like any STOP, recorded in the consent
 * ledger (via 'carrier'); an invalid or unreachable number is flagged undeliverable so bulk texts
 * skip it. Units of work for either engine, run inside the caller's transaction.
 */
import type { IdGenerator } from '../../core/clock';
import { param, query } from '../query';
import { exec, get, type Work } from '../work';

const Q = {
  optOut: query<{ phone: string }, { id: string; now: string }>((k) =>
    k.updateTable('contacts')
      .set((eb) => ({ status: 'opted_out', opted_out_at: eb.fn.coalesce('opted_out_at', eb.val(param<string>('now'))), updated_at: param<string>('now') }))
      .where('id', '=', param<string>('id')).where('status', '!=', 'opted_out')
      .returning('phone'),
  ),
  consent: query<unknown, { id: string; contact: string; phone: string; sender: string | null; campaign: string | null; sid: string | null; now: string }>((k) =>
    k.insertInto('consent_events').values({
      id: param('id'), contact_id: param('contact'), phone: param('phone'), sender: param('sender'), campaign_id: param('campaign'),
      kind: 'opt_out', via: 'carrier', keyword: null, message_sid: param<string | null>('sid'), at: param<string>('now'),
    }),
  ),
  undeliverable: query<unknown, { id: string; now: string }>((k) =>
    k.updateTable('contacts').set({ undeliverable: 1, updated_at: param('now') }).where('id', '=', param<string>('id')).where('undeliverable', '=', 0),
  ),
};

export interface CarrierOptOut {
  contactId: string;
  sender: string | null;
  campaignId: string | null;
  /** The message Twilio refused or reported on, as evidence. */
  messageSid: string | null;
}

/** Returns true when the contact was subscribed (or pending) and is now opted out. */
export function* markCarrierOptOut(o: CarrierOptOut, newId: IdGenerator, now: string): Work<boolean> {
  const row = yield* get(Q.optOut, { id: o.contactId, now });
  if (!row) return false;
  yield* exec(Q.consent, { id: newId(), contact: o.contactId, phone: row.phone, sender: o.sender, campaign: o.campaignId, sid: o.messageSid, now });
  return true;
}

export function* markUndeliverable(contactId: string, now: string): Work<boolean> {
  return (yield* exec(Q.undeliverable, { id: contactId, now })) > 0;
}
