/**
 * The opt-out chokepoint's engine-neutral half: the one policy (`verdict`, on `mayText`), the
 * outbox statements, and `enqueueOutboundWork`, the only writer of an outbox row, run inside the
 * caller's transaction on either engine (src/store/work.ts). See sqlite-gate.ts for the rest of
 * the chokepoint (send-time admission, results), still SQLite-only.
 */
import { sql } from 'kysely';
import { mayText, type ContactStatus, type OutboundPurpose } from '../../core/compliance';
import type { IdGenerator } from '../../core/clock';
import { segmentCount } from '../../core/segments';
import { param, query } from '../query';
import { exec, get, type Work } from '../work';

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

export type Refusal = 'opted_out' | 'not_subscribed' | 'undeliverable' | 'no_contact';

export interface ContactGateRow {
  status: ContactStatus;
  undeliverable: number;
}

/**
 * The one decision: may this contact get a text for this purpose now? Opt-out policy is
 * `mayText`; bulk texts additionally skip numbers known to be undeliverable.
 */
export function verdict(row: ContactGateRow | undefined, purpose: OutboundPurpose): Refusal | null {
  if (!row) return 'no_contact';
  if (!mayText(row.status, purpose)) return row.status === 'opted_out' ? 'opted_out' : 'not_subscribed';
  if (purpose === 'broadcast' && row.undeliverable === 1) return 'undeliverable';
  return null;
}
export const OUTBOX_QUERIES = {
  status: query<ContactGateRow, { id: string }>((k) => k.selectFrom('contacts').select(['status', 'undeliverable']).where('id', '=', param<string>('id'))),
  insert: query<unknown, InsertParams>((k) =>
    k.insertInto('outbound_messages').values({
      id: param('id'), contact_id: param('contactId'), campaign_id: param('campaignId'), inbound_id: param('inboundId'), position: param('position'),
      kind: param('kind'), purpose: param('purpose'), body: param('body'), segments: param('segments'), status: param('status'),
      created_at: param('now'), updated_at: param('now'),
    }),
  ),
  queued: query<{ contact_id: string; purpose: OutboundPurpose }, { id: string }>((k) =>
    k.selectFrom('outbound_messages').select(['contact_id', 'purpose']).where('id', '=', param<string>('id')).where('status', '=', 'queued')
      .$narrowType<{ purpose: OutboundPurpose }>(),
  ),
  setStatus: query<unknown, { id: string; status: string; now: string }>((k) =>
    k.updateTable('outbound_messages').set({ status: param('status'), updated_at: param('now') }).where('id', '=', param<string>('id')),
  ),
  result: query<unknown, { id: string; status: string; sid: string | null; code: number | null; now: string }>((k) =>
    k.updateTable('outbound_messages')
      .set({
        status: param('status'), twilio_sid: sql<string | null>`coalesce(${param('sid')}, twilio_sid)`,
        error_code: sql<number | null>`coalesce(${param('code')}, error_code)`, updated_at: param('now'),
      })
      .where('id', '=', param<string>('id')),
  ),
  bySid: query<{ id: string; status: string }, { sid: string }>((k) =>
    k.selectFrom('outbound_messages').select(['id', 'status']).where('twilio_sid', '=', param<string>('sid')),
  ),
};

interface InsertParams {
  id: string;
  contactId: string;
  campaignId: string | null;
  inboundId: string | null;
  position: number;
  kind: OutboundDraft['kind'];
  purpose: string;
  body: string;
  segments: number;
  status: string;
  now: string;
}

/** Must run inside the transaction that changed the contact, so the status read is current. */
export function* enqueueOutboundWork(draft: OutboundDraft, newId: IdGenerator, now: string): Work<Enqueued> {
  const row = yield* get(OUTBOX_QUERIES.status, { id: draft.contactId });
  const accepted = row !== undefined && mayText(row.status, draft.purpose);
  const id = newId();
  yield* exec(OUTBOX_QUERIES.insert, {
    id, contactId: draft.contactId, campaignId: draft.campaignId, inboundId: draft.inboundId, position: draft.position, kind: draft.kind,
    purpose: draft.purpose, body: draft.body, segments: segmentCount(draft.body), status: accepted ? draft.delivery : 'suppressed', now,
  });
  return { id, accepted };
}
