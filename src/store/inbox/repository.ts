/**
 * The inbox as use cases see it: threads (one per contact) listed and filtered, one thread's
 * messages both ways, marking read, done and assignment, splitting unassigned threads, replies
 * queued through the outbox chokepoint, canned responses, and campaigns' auto-reply settings.
 * Asynchronous so that every engine can implement it.
 */
import type { AutoReplySetting } from '../../core/campaign';
import type { IdGenerator } from '../../core/clock';
import type { ContactStatus } from '../../core/compliance';
import type { CannedResponse, InboxThread } from './tables';

export type { CannedResponse, InboxThread };

export interface ThreadFilter {
  status?: 'open' | 'done';
  /** undefined: anyone; null: unassigned; a string: that actor's. */
  assignee?: string | null;
  /** A volunteer's scope: threads assigned to this actor or to nobody. */
  visibleTo?: string;
  campaignId?: string;
  /** Only threads with unread texts. */
  unreadOnly?: boolean;
  limit: number;
  /** Paging: threads whose last_at is before this. */
  before?: string;
}

export interface ThreadRow extends InboxThread {
  phone: string;
  firstName: string | null;
  contactStatus: ContactStatus;
}

export interface ThreadMessage {
  id: string;
  direction: 'in' | 'out';
  body: string;
  at: string;
  /** Inbound: how the router handled it (inbox, opt_out, flow_resume…). */
  handledAs: string | null;
  /** Outbound: the outbox status (twiml, queued, sending, accepted, sent, delivered, undelivered, failed, suppressed…). */
  status: string | null;
  kind: string | null;
  errorCode: number | null;
  segments: number | null;
  /** Outbound from the inbox: the actor who wrote it. */
  author: string | null;
}

/** A reply the store accepted: what was queued (the lead's audit log records it at merge). */
export interface QueuedReply {
  outboundId: string;
  contactId: string;
  campaignId: string | null;
  body: string;
  segments: number;
  author: string;
  at: string;
}

export type ReplyRefusal = 'no_contact' | 'opted_out' | 'not_subscribed' | 'undeliverable';

export interface InboxRepository {
  list(filter: ThreadFilter): Promise<ThreadRow[]>;
  /** The contact's thread row (null: it has none). */
  thread(contactId: string): Promise<ThreadRow | null>;
  /** The contact's latest texts both ways, oldest first. */
  messages(contactId: string, limit: number): Promise<ThreadMessage[]>;
  markRead(contactId: string, now: string): Promise<void>;
  setStatus(contactId: string, status: 'open' | 'done', now: string): Promise<boolean>;
  /** Assign or unassign; `onlyIf` (a volunteer's scope): change it only while assigned to this actor or nobody. */
  assign(contactId: string, assignee: string | null, now: string, onlyIf?: string): Promise<'ok' | 'no_thread' | 'taken'>;
  /** Unassigned open threads, oldest unread first (then oldest), up to `limit`. */
  unassigned(limit: number, campaignId?: string): Promise<string[]>;
  /** Assign many at once, each only if still unassigned; returns how many each actor got. */
  assignMany(pairs: readonly [string, string][], now: string): Promise<Record<string, number>>;
  /** The oldest unread open thread assigned to this actor. */
  next(assignee: string): Promise<ThreadRow | null>;
  /**
   * Queue a reply through the outbox gate (delivery 'queued', sent by the dispatcher), record its
   * author, and move the thread on (read, last text) in one transaction. A refused reply writes nothing.
   */
  queueReply(
    r: { contactId: string; body: string; author: string }, newId: IdGenerator, now: string,
  ): Promise<{ ok: true; reply: QueuedReply } | { ok: false; refusal: ReplyRefusal }>;

  cannedList(): Promise<CannedResponse[]>;
  /** `bodies`: the body per language (JSON), null for one body. */
  cannedCreate(c: { id: string; title: string; body: string; bodies?: string | null }, now: string): Promise<CannedResponse>;
  cannedDelete(id: string): Promise<boolean>;

  autoReply(campaignId: string): Promise<AutoReplySetting | null>;
  /** Saves the setting and bumps the campaigns version (every process reloads its campaigns). */
  setAutoReply(campaignId: string, s: AutoReplySetting, now: string): Promise<void>;
}
