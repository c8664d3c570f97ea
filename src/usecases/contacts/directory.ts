/**
 * The console's contact directory: search by phone or name, one contact's full record (captured
 * fields, campaigns, pledges, the whole consent ledger, recent texts), and the manual opt-out.
 */
import type { Logger } from 'pino';
import type { Clock, IdGenerator } from '../../core/clock';
import { AppError } from '../../shared/errors';
import type { ContactRecord, ContactSearch, ContactSummary } from '../../store/contacts/repository';
import type { Store } from '../../store/store';

export type { ContactRecord, ContactSummary };

export const SEARCH_LIMIT = 50;

/**
 * Digits (3 or more, no letters) search phone numbers anywhere in the number; anything else
 * searches first names (prefix, any case) and emails. An empty query lists the latest contacts.
 */
export function contactSearch(query: string): ContactSearch {
  const q = query.trim().slice(0, 100);
  const digits = q.replace(/\D/g, '');
  if (q === '') return { by: 'latest' };
  if (!/\p{L}/u.test(q) && digits.length >= 3) return { by: 'phone', digits };
  return { by: 'name', text: q };
}

export function searchContacts(store: Store, query: string, includeTest: boolean): Promise<ContactSummary[]> {
  return store.contacts.search(contactSearch(query), includeTest, SEARCH_LIMIT);
}

export async function contactRecord(store: Store, id: string): Promise<ContactRecord> {
  const r = await store.contacts.record(id);
  if (!r) throw new AppError('not_found', 'No such contact.');
  return r;
}

export interface OptOutDeps {
  store: Store;
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
}

/**
 * An organizer records that a person asked to stop (by phone, email, in person): the same end
 * state as a STOP text. Status opted_out (so the outbox's `mayText` refuses every later text),
 * an opt_out consent event via 'admin', and any open conversation interrupted. No confirmation
 * text is sent. Returns false when the contact was already opted out (nothing changes).
 */
export async function optOutByAdmin(deps: OptOutDeps, contactId: string): Promise<boolean> {
  const outcome = await deps.store.contacts.optOutByAdmin(contactId, deps.newId(), deps.clock.now());
  if (outcome === 'not_found') throw new AppError('not_found', 'No such contact.');
  if (outcome === 'opted_out') deps.logger.info({ contactId, via: 'admin' }, 'contact opted out by an organizer');
  return outcome === 'opted_out';
}
