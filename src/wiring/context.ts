/** Everything a request handler needs, built once in main (or a test) and passed down. */
import type { Logger } from 'pino';
import type { Clock, IdGenerator } from '../core/clock';
import type { CredentialThrottle } from '../core/attempts';
import type { FloodCheck } from '../core/flood';
import type { Config } from './config';
import type { LiveHub } from '../usecases/live/hub';
import type { Store } from '../store/store';
import type { CampaignRegistry } from '../usecases/campaigns/registry';
import type { InboundTexts } from '../usecases/inbound/receive-text';
import type { DeliveryReceipts } from '../usecases/receipts/record-receipt';
import type { Rehearsal } from '../usecases/rehearsal/rehearse';
import type { TrustedClients } from '../core/trusted-clients';
import type { AuditLog } from '../usecases/audit/audit';
import type { People } from '../usecases/people/people';
import type { Inbox } from '../usecases/inbox/inbox';
import type { InboxEvents } from '../usecases/inbox/events';
import type { InboxSettings } from '../usecases/inbox/settings';
import type { VotingRegistry } from '../usecases/polls/voting-registry';
import type { Polls } from '../usecases/polls/polls';
import type { Ideas } from '../usecases/polls/ideas';

export interface AppContext {
  config: Config;
  /** Persistence, through the one interface every engine implements. */
  store: Store;
  /** Active campaigns by sender, in memory (reload after changing a campaign). */
  registry: CampaignRegistry;
  /** The inbound text use case (Twilio's webhook and the console's simulator). */
  inbound: InboundTexts;
  /** The delivery receipt use case (Twilio's status callbacks). */
  receipts: DeliveryReceipts;
  /** The console's phone simulator. */
  rehearsal: Rehearsal;
  /** Per-number inbound limit (INBOUND_PER_NUMBER_PER_MINUTE): in memory, or shared by every process on PostgreSQL. */
  flood: FloodCheck;
  /** Wrong tokens per client address and per token fingerprint (console sign-in and API), in memory. */
  credentialThrottle: CredentialThrottle;
  /** Browsers and addresses that signed in to an account before (exempt from its lockout), in memory. */
  trustedClients: TrustedClients;
  /** People accounts: invites, passwords, disabling. */
  people: People;
  /** Who did what: `audit.record({ actor, action, target, details })`. */
  audit: AuditLog;
  logger: Logger;
  clock: Clock;
  newId: IdGenerator;
  /** Set when a broadcast dispatcher runs in this process: nudged when a broadcast becomes sendable. */
  dispatcher?: { wake(): void };
  /** Live rally screens: the webhook notifies it after each committed text. */
  live: LiveHub;
  /** The inbox: threads of unclaimed texts, replies, assignment. */
  inbox: Inbox;
  /** Canned responses and campaigns' auto-reply settings. */
  inboxSettings: InboxSettings;
  /** The inbox's live stream (SSE in the console). */
  inboxEvents: InboxEvents;
  /** Live polls and ideas windows by sender, in memory (the inbound hot path reads it). */
  voting: VotingRegistry;
  polls: Polls;
  ideas: Ideas;
}
