/** Delivery receipts as Twilio posts them, kept per message SID (see receipts/sqlite.ts for why). */

export interface MessageReceiptsTable {
  message_sid: string;
  status: string;
  error_code: number | null;
  callbacks: number;
  first_at: string;
  updated_at: string;
}
