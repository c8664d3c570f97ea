/** Table types of the broadcasts feature: one row per broadcast, one per recipient of its snapshot. */
import type { Selectable } from 'kysely';

export type BroadcastStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'done' | 'canceled';

export interface BroadcastsTable {
  id: string;
  name: string;
  template: string;
  /** JSON: the text per language (issue 16); null: `template` for everyone. */
  templates: string | null;
  audience: string;
  status: BroadcastStatus;
  send_at: string | null;
  footer: number;
  recipients: number | null;
  snapshot_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export type RecipientStatus =
  | 'pending' | 'sending' | 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed'
  | 'opted_out' | 'undeliverable' | 'unknown' | 'canceled';

export interface BroadcastRecipientsTable {
  broadcast_id: string;
  contact_id: string;
  campaign_id: string;
  keyword: string | null;
  seq: number;
  time_zone: string;
  status: RecipientStatus;
  outbound_id: string | null;
  twilio_sid: string | null;
  error_code: number | null;
  segments: number | null;
  attempts: number;
  not_before: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

export type Broadcast = Selectable<BroadcastsTable>;
export type BroadcastRecipient = Selectable<BroadcastRecipientsTable>;

/** A broadcast that asks: its flow (JSON). */
export interface BroadcastFlowsTable {
  broadcast_id: string;
  flow: string;
  created_at: string;
  updated_at: string;
}

/** The conversation a broadcast opened for one recipient. */
export interface BroadcastConversationsTable {
  conversation_id: string;
  broadcast_id: string;
  contact_id: string;
  created_at: string;
}

/** A recipient's latest answer to one step of a broadcast's flow. */
export interface BroadcastAnswersTable {
  broadcast_id: string;
  contact_id: string;
  step_id: string;
  value: string;
  message_sid: string | null;
  answered_at: string;
}
