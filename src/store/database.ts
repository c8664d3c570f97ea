/**
 * Kysely's view of the whole schema (schema.sql): the `DB` map of every table. Table interfaces
 * live with their feature (src/store/<feature>/tables.ts); those not yet moved are still here.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { ExportAuditTable } from './exports/tables';
import type { ContactImportRunsTable, ContactImportStagingTable, ContactImportsTable } from './imports/tables';
import type { ConversationsTable, InboundMessagesTable } from './inbound/tables';
import type { MessageReceiptsTable } from './receipts/tables';
import type { CampaignMembersTable, CampaignsTable, KeywordsTable } from './campaigns/tables';
import type { ContactsTable } from './contacts/tables';
import type { LiveDisplaysTable } from './live/tables';
import type { ConsoleSessionsTable } from './sessions/tables';
import type { BroadcastAnswersTable, BroadcastConversationsTable, BroadcastFlowsTable, BroadcastRecipientsTable, BroadcastsTable } from './broadcasts/tables';
import type { OutboundMessagesTable, OutboxLeasesTable } from './outbox/tables';
import type { SessionUsersTable, UserInvitesTable, UsersTable } from './people/tables';
import type { Generated } from 'kysely';
import type { AuditLogTable } from './audit/tables';
import type { ContactTeamsTable, ReferralsTable, TeamPagesTable } from './referrals/tables';
import type { FloodBucketsTable } from './flood/tables';
import type { IdeasTable, IdeaVotesTable, IdeaWindowsTable, PollsTable, PollVotesTable } from './polls/tables';
import type {
  DonationsTable, PledgeStatus, ReminderPausesTable, SequenceScheduleTable, SequenceConversationsTable, SequencesTable, TrackedLinksTable,
} from './pledges/tables';
import type { CampaignAutoRepliesTable, CannedResponsesTable, InboxRepliesTable, InboxThreadsTable } from './inbox/tables';

export type { ConversationsTable, InboundMessagesTable } from './inbound/tables';
export type { MessageReceiptsTable } from './receipts/tables';

export type { CampaignMembersTable, CampaignsTable, ContactsTable, ConsoleSessionsTable, KeywordsTable, LiveDisplaysTable };
export type { Broadcast, BroadcastRecipient, BroadcastRecipientsTable, BroadcastStatus, BroadcastsTable, RecipientStatus } from './broadcasts/tables';
export type { OutboundMessage, OutboundMessagesTable, OutboxLeasesTable } from './outbox/tables';

export interface SettingsTable { key: string; value: string }

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
  /** The pledge's reference (the payment processor's refcode); null on pledges made before migration 0007. */
  ref: string | null;
  /** Defaults to 'pledged' in the schema. */
  status: Generated<PledgeStatus>;
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
  tracked_links: TrackedLinksTable;
  referrals: ReferralsTable;
  contact_teams: ContactTeamsTable;
  team_pages: TeamPagesTable;
  donations: DonationsTable;
  sequences: SequencesTable;
  sequence_schedule: SequenceScheduleTable;
  sequence_conversations: SequenceConversationsTable;
  reminder_pauses: ReminderPausesTable;
  export_audit: ExportAuditTable;
  contact_imports: ContactImportsTable;
  contact_import_runs: ContactImportRunsTable;
  contact_import_staging: ContactImportStagingTable;
  broadcasts: BroadcastsTable;
  broadcast_recipients: BroadcastRecipientsTable;
  broadcast_flows: BroadcastFlowsTable;
  broadcast_conversations: BroadcastConversationsTable;
  broadcast_answers: BroadcastAnswersTable;
  outbox_leases: OutboxLeasesTable;
  message_receipts: MessageReceiptsTable;
  console_sessions: ConsoleSessionsTable;
  live_displays: LiveDisplaysTable;
  users: UsersTable;
  user_invites: UserInvitesTable;
  session_users: SessionUsersTable;
  audit_log: AuditLogTable;
  inbox_threads: InboxThreadsTable;
  inbox_replies: InboxRepliesTable;
  canned_responses: CannedResponsesTable;
  campaign_auto_replies: CampaignAutoRepliesTable;
  flood_buckets: FloodBucketsTable;
  polls: PollsTable;
  poll_votes: PollVotesTable;
  idea_windows: IdeaWindowsTable;
  ideas: IdeasTable;
  idea_votes: IdeaVotesTable;
}

export type Contact = Selectable<ContactsTable>;
export type NewContact = Insertable<ContactsTable>;
export type ContactUpdate = Updateable<ContactsTable>;
export type Campaign = Selectable<CampaignsTable>;
export type Conversation = Selectable<ConversationsTable>;
export type ConsentEvent = Selectable<ConsentEventsTable>;
export type Pledge = Selectable<PledgesTable>;
