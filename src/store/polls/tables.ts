/** The tables of live polls and the ideas window (migration 0008-polls-ideas). */

export interface PollsTable {
  id: string;
  campaign_id: string;
  sender: string;
  question: string;
  /** JSON [{label, words}] */
  options: string;
  status: 'draft' | 'open' | 'closed';
  created_at: string;
  opened_at: string | null;
  closed_at: string | null;
}

export interface PollVotesTable {
  poll_id: string;
  contact_id: string;
  option_index: number | null;
  hinted: number;
  message_sid: string | null;
  voted_at: string;
}

export interface IdeaWindowsTable {
  id: string;
  campaign_id: string;
  sender: string;
  opened_at: string;
  closed_at: string | null;
}

export interface IdeasTable {
  id: string;
  campaign_id: string;
  window_id: string;
  contact_id: string;
  number: number | null;
  text: string;
  original_text: string;
  status: 'pending' | 'flagged' | 'approved' | 'rejected' | 'merged';
  flag: string | null;
  merged_into: string | null;
  message_sid: string | null;
  created_at: string;
  updated_at: string;
}

export interface IdeaVotesTable {
  idea_id: string;
  contact_id: string;
  window_id: string;
  message_sid: string | null;
  voted_at: string;
}
