/** Table types of the outbox: every text the system sends, and the dispatcher's leases on queued ones. */
import type { Selectable } from 'kysely';

export interface OutboundMessagesTable {
  id: string;
  contact_id: string;
  campaign_id: string | null;
  inbound_id: string | null;
  position: number;
  kind: 'reply' | 'broadcast' | 'system';
  purpose: string;
  body: string;
  segments: number;
  status: string;
  twilio_sid: string | null;
  error_code: number | null;
  created_at: string;
  updated_at: string;
}

export interface OutboxLeasesTable {
  outbound_id: string;
  lease_owner: string | null;
  lease_until: string | null;
  attempts: number;
  not_before: string | null;
}

export type OutboundMessage = Selectable<OutboundMessagesTable>;
