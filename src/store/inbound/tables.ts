/** Tables the inbound text writes first-hand: the received messages and the conversations they drive. */

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
