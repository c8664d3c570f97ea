/** Kysely table types, one interface per table in schema.sql. */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { BroadcastRecipientsTable, BroadcastsTable } from './broadcasts/tables';
import type { OutboundMessagesTable, OutboxLeasesTable } from './outbox/tables';

export type { Broadcast, BroadcastRecipient, BroadcastRecipientsTable, BroadcastStatus, BroadcastsTable, RecipientStatus } from './broadcasts/tables';
export type { OutboundMessage, OutboundMessagesTable, OutboxLeasesTable } from './outbox/tables';

export interface SettingsTable { key: string; value: string }

export interface ContactsTable {
  id: string;
  phone: string;
  first_name: string | null;
  zip: string | null;
  email: string | null;
  fields: string;
  status: 'pending' | 'subscribed' | 'opted_out';
  undeliverable: number;
  is_test: number;
  from_state: string | null;
  opted_out_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CampaignsTable {
  id: string;
  name: string;
  program_name: string;
  sender: string;
  frequency: string;
  support_contact: string;
  help_text: string | null;
  expiry_hours: number;
  flow: string;
  goal_cents: number;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface KeywordsTable {
  campaign_id: string;
  sender: string;
  word: string;
  primary_word: string;
  position: number;
  active: number;
}

export interface CampaignMembersTable {
  campaign_id: string;
  contact_id: string;
  keyword: string;
  joined_at: string;
  completed_at: string | null;
}

export interface ConversationsTable {
  id: string;
  contact_id: string;
  campaign_id: string;
  sender: string;
  keyword: string;
  status: 'waiting' | 'completed' | 'expired' | 'interrupted';
  step_index: number;
  attempts: number;
  data: string;
  started_at: string;
  updated_at: string;
  expires_at: string;
  ended_at: string | null;
}

export interface InboundMessagesTable {
  id: string;
  message_sid: string;
  contact_id: string;
  campaign_id: string | null;
  sender: string;
  body: string;
  num_media: number;
  handled_as: string;
  received_at: string;
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

export interface ExportAuditTable {
  id: string;
  role: 'admin' | 'volunteer' | 'cli';
  export: 'contacts' | 'pledges' | 'broadcast';
  filters: string;
  outcome: 'running' | 'completed' | 'aborted' | 'failed';
  row_count: number;
  client: string | null;
  started_at: string;
  finished_at: string | null;
}

export interface ContactImportsTable {
  id: string;
  source: 'api' | 'cli';
  filename: string | null;
  campaign_id: string | null;
  consent: 'attested' | 'none';
  totals: string;
  created_at: string;
}

export interface MessageReceiptsTable {
  message_sid: string;
  status: string;
  error_code: number | null;
  callbacks: number;
  first_at: string;
  updated_at: string;
}

export interface ConsoleSessionsTable {
  id_hash: string;
  role: 'admin' | 'volunteer';
  token_digest: string;
  csrf: string;
  created_at: string;
  expires_at: string;
}

export interface LiveDisplaysTable {
  campaign_id: string;
  token: string;
  counting_from: string | null;
  created_at: string;
  updated_at: string;
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
export type ConsentEvent = Selectable<ConsentEventsTable>;
export type Pledge = Selectable<PledgesTable>;
export type ExportAudit = Selectable<ExportAuditTable>;
