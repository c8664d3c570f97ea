/** Table types of issue 14: tracked links, payments received, sequences and their schedule, reminder pauses (migration 0007). */

export type PledgeStatus = 'pledged' | 'link_sent' | 'clicked' | 'paid';

export interface TrackedLinksTable {
  code: string;
  kind: 'donation' | 'url';
  target: string | null;
  campaign_id: string | null;
  contact_id: string | null;
  pledge_id: string | null;
  broadcast_id: string | null;
  sequence_id: string | null;
  clicks: number;
  first_clicked_at: string | null;
  last_clicked_at: string | null;
  created_at: string;
}

export interface DonationsTable {
  id: string;
  contribution_id: string;
  kind: 'payment' | 'refund';
  source: 'webhook' | 'import';
  amount_cents: number;
  refcode: string | null;
  phone: string | null;
  email: string | null;
  paid_at: string;
  pledge_id: string | null;
  contact_id: string | null;
  campaign_id: string | null;
  matched_by: 'refcode' | 'phone' | 'email' | null;
  received_at: string;
}

export interface SequencesTable {
  id: string;
  campaign_id: string;
  name: string;
  trigger_event: 'joined' | 'completed' | 'pledged' | 'date';
  /** trigger_event 'date': the contact field (contacts.fields key) holding the date (migration 0012). */
  date_field: string | null;
  steps: string;
  active: number;
  created_at: string;
  updated_at: string;
}

/** A conversation a sequence's step that asks opened (migration 0012), with the flow as it was sent. */
export interface SequenceConversationsTable {
  conversation_id: string;
  sequence_id: string;
  step_index: number;
  contact_id: string;
  /** The step's flow (JSON) when the message went out: an edit to the sequence does not change a question already asked. */
  flow: string;
  created_at: string;
}

export interface SequenceScheduleTable {
  id: string;
  sequence_id: string;
  contact_id: string;
  step_index: number;
  occurrence: number;
  anchor_at: string;
  due_at: string;
  status: 'scheduled' | 'sent' | 'skipped';
  reason: string | null;
  lease_until: string | null;
  outbound_id: string | null;
  updated_at: string;
}

export interface ReminderPausesTable {
  contact_id: string;
  until_at: string;
  at: string;
}
