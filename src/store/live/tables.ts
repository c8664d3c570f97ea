/** The live_displays table (schema.sql): one display link per campaign for the live rally screen. */

export interface LiveDisplaysTable {
  campaign_id: string;
  token: string;
  counting_from: string | null;
  created_at: string;
  updated_at: string;
}
