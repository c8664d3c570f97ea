/** Table types of campaigns, their keywords and their members (schema.sql). */
import type { Generated } from 'kysely';

export interface CampaignsTable {
  id: string;
  name: string;
  program_name: string;
  sender: string;
  frequency: string;
  support_contact: string;
  help_text: string | null;
  expiry_hours: number;
  flow: string;
  goal_cents: number;
  /** JSON list of languages, default first (issue 16). */
  languages: string;
  /** JSON: overrides of the built-in system texts per language. */
  texts: string;
  /** The donation form URL template (migration 0007); null: no donation link. */
  donation_url: string | null;
  /** JSON: teams, recruiter notice, leaderboard question (migration 0011; core/referral-settings.ts). */
  referral_settings: Generated<string>;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface KeywordsTable {
  campaign_id: string;
  sender: string;
  word: string;
  primary_word: string;
  position: number;
  active: number;
  /** The word's language (null: none named). */
  language: string | null;
}

export interface CampaignMembersTable {
  campaign_id: string;
  contact_id: string;
  keyword: string;
  joined_at: string;
  completed_at: string | null;
}
