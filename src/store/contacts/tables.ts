/** The contacts table (schema.sql): one row per phone number, its fields and its opt-out status. */

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
  /** The supporter's language (issue 16); null: unknown. */
  language: string | null;
  created_at: string;
  updated_at: string;
}
