/**
 * The outbox and the opt-out chokepoint. Every text this system sends is first a row written
 * here, and `enqueueOutbound` is the only function that writes one: it reads the contact's
 * status inside the caller's transaction and refuses (status "suppressed", never sent) anything
 * `mayText` forbids. Webhook replies are rendered as TwiML only from rows it accepted; the REST
 * sender re-checks the same rule at send time.
 */
import { mayText, type ContactStatus, type OutboundPurpose } from '../core/compliance';
import type { IdGenerator } from '../core/clock';
import { segmentCount } from '../core/segments';
import type { Store } from './open';

export interface OutboundDraft {
  contactId: string;
  campaignId: string | null;
  inboundId: string | null;
  position: number;
  kind: 'reply' | 'broadcast' | 'system';
  purpose: OutboundPurpose;
  body: string;
  /** twiml: delivered in the webhook response; queued: sent later through the REST API. */
  delivery: 'twiml' | 'queued';
}

export interface Enqueued {
  id: string;
  accepted: boolean;
}

export const OUTBOX_SQL = {
  status: 'SELECT status FROM contacts WHERE id = ?',
  insert:
    'INSERT INTO outbound_messages (id, contact_id, campaign_id, inbound_id, position, kind, purpose, body, segments, status, created_at, updated_at) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
} as const;

/** Must run inside the transaction that changed the contact, so the status read is current. */
export function enqueueOutbound(store: Store, draft: OutboundDraft, newId: IdGenerator, now: string): Enqueued {
  const row = store.prepare(OUTBOX_SQL.status).get(draft.contactId) as { status: ContactStatus } | undefined;
  const accepted = row !== undefined && mayText(row.status, draft.purpose);
  const id = newId();
  store.prepare(OUTBOX_SQL.insert).run(
    id, draft.contactId, draft.campaignId, draft.inboundId, draft.position, draft.kind, draft.purpose, draft.body,
    segmentCount(draft.body), accepted ? draft.delivery : 'suppressed', now, now,
  );
  return { id, accepted };
}
