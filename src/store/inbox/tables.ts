/** Table types of the inbox: threads, who wrote each reply, canned responses, campaigns' auto-reply settings. */
import type { Selectable } from 'kysely';

export interface InboxThreadsTable {
  contact_id: string;
  campaign_id: string | null;
  status: 'open' | 'done';
  unread: number;
  first_unread_at: string | null;
  last_text: string;
  last_at: string;
  assignee: string | null;
  last_auto_reply_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface InboxRepliesTable {
  outbound_id: string;
  contact_id: string;
  author: string;
  created_at: string;
}

export interface CannedResponsesTable {
  id: string;
  title: string;
  body: string;
  /** JSON: the body per language (issue 16); null: `body` for everyone. */
  bodies: string | null;
  created_at: string;
  updated_at: string;
}

export interface CampaignAutoRepliesTable {
  campaign_id: string;
  enabled: number;
  body: string | null;
  updated_at: string;
}

export type InboxThread = Selectable<InboxThreadsTable>;
export type CannedResponse = Selectable<CannedResponsesTable>;
