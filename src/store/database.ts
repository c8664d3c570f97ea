/**
 * Kysely's view of the whole schema (schema.sql): the `DB` map of every table. Table interfaces
 * live with their feature (src/store/<feature>/tables.ts); those not yet moved are still here.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { ExportAuditTable } from './exports/tables';
import type { ContactImportsTable } from './imports/tables';
import type { ConversationsTable, InboundMessagesTable } from './inbound/tables';
import type { MessageReceiptsTable } from './receipts/tables';
import type { CampaignMembersTable, CampaignsTable, KeywordsTable } from './campaigns/tables';
import type { ContactsTable } from './contacts/tables';
import type { LiveDisplaysTable } from './live/tables';
import type { ConsoleSessionsTable } from './sessions/tables';

export type { ConversationsTable, InboundMessagesTable } from './inbound/tables';
export type { MessageReceiptsTable } from './receipts/tables';

export type { CampaignMembersTable, CampaignsTable, ContactsTable, ConsoleSessionsTable, KeywordsTable, LiveDisplaysTable };

export interface SettingsTable { key: string; value: string }

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

export interface ConsentEventsTable {
  id: string;
  contact_id: string;
  phone: string;
  sender: string | null;
  campaign_id: string | null;
  kind: 'opt_in' | 'opt_out' | 'help';
  via: 'keyword' | 'twilio' | 'web' | 'import' | 'carrier' | 'admin';
  keyword: string | null;
  message_sid: string | null;
  at: string;
}

export interface PledgesTable {
  id: string;
  contact_id: string;
  campaign_id: string;
  amount_cents: number;
  frequency: 'monthly' | 'once';
  message_sid: string | null;
  at: string;
}

export type BroadcastStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'done' | 'canceled';

export interface BroadcastsTable {
  id: string;
  name: string;
  template: string;
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

export interface OutboxLeasesTable {
  outbound_id: string;
  lease_owner: string | null;
  lease_until: string | null;
  attempts: number;
  not_before: string | null;
}

export interface DB {
  settings: SettingsTable;
  contacts: ContactsTable;
  campaigns: CampaignsTable;
  keywords: KeywordsTable;
  campaign_members: CampaignMembersTable;
  conversations: ConversationsTable;
  inbound_messages: InboundMessagesTable;
  outbound_messages: OutboundMessagesTable;
  consent_events: ConsentEventsTable;
  pledges: PledgesTable;
  export_audit: ExportAuditTable;
  contact_imports: ContactImportsTable;
  broadcasts: BroadcastsTable;
  broadcast_recipients: BroadcastRecipientsTable;
  outbox_leases: OutboxLeasesTable;
  message_receipts: MessageReceiptsTable;
  console_sessions: ConsoleSessionsTable;
  live_displays: LiveDisplaysTable;
}

export type Contact = Selectable<ContactsTable>;
export type NewContact = Insertable<ContactsTable>;
export type ContactUpdate = Updateable<ContactsTable>;
export type Campaign = Selectable<CampaignsTable>;
export type Conversation = Selectable<ConversationsTable>;
export type OutboundMessage = Selectable<OutboundMessagesTable>;
export type ConsentEvent = Selectable<ConsentEventsTable>;
export type Pledge = Selectable<PledgesTable>;
export type Broadcast = Selectable<BroadcastsTable>;
export type BroadcastRecipient = Selectable<BroadcastRecipientsTable>;
