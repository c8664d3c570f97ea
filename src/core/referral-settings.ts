/**
 * A campaign's referral settings (issue 13), part of the campaign's body: its teams (affinity
 * groups: `JOIN NURSES`), the recruiter notice ("Your friend joined!", off by default) and the
 * optional one-time leaderboard question (SHOW). Stored as one JSON column (campaigns.referral_settings).
 */
import { z } from 'zod';
import { keywordForm, textField } from './text';

export interface TeamSpec {
  /** The word after the keyword (keyword form, letters only: NURSES). */
  word: string;
  /** As shown on pages and in the console: "Nurses". */
  name: string;
  /** Members the team means to reach (its page's thermometer); absent: none set. */
  goal?: number | undefined;
}

export interface ReferralSettings {
  teams: TeamSpec[];
  /** Text a recruiter when a friend they brought completes (at most once a day). */
  recruiterNotice: boolean;
  /** After completion, ask once: "Reply SHOW to appear on the leaderboard". */
  askShow: boolean;
}

export const NO_REFERRAL_SETTINGS: ReferralSettings = { teams: [], recruiterNotice: false, askShow: false };

/**
 * A team word: letters only (referral codes always carry a digit, so a word after the keyword is
 * never both a team and a code), 2-20 of them, accents ignored.
 */
const teamWord = z
  .string()
  .transform((s) => keywordForm(s))
  .pipe(z.string().regex(/^[A-Z]{2,20}$/, 'must be 2-20 letters (no digits: codes have digits)'));

const teamSpec = z
  .object({
    word: teamWord,
    name: textField().trim().min(1).max(60),
    goal: z.number().int('must be a whole number of members').min(1).max(1_000_000).optional(),
  })
  .strict();

export const referralSettingsSchema = z
  .object({
    teams: z
      .array(teamSpec)
      .max(50)
      .default([])
      // At the second mention, as keywords listed twice are (the console's teams box names its line).
      .superRefine((teams, ctx) => {
        const seen = new Set<string>();
        teams.forEach((t, i) => {
          if (seen.has(t.word)) ctx.addIssue({ code: 'custom', path: [i, 'word'], message: `"${t.word}" is listed twice` });
          seen.add(t.word);
        });
      }),
    recruiterNotice: z.boolean().default(false),
    askShow: z.boolean().default(false),
  })
  .strict();

/** The stored JSON read back (a row from before 0011, or anything unreadable: no teams, all off). */
export function referralSettingsOf(json: string | null | undefined): ReferralSettings {
  if (!json) return NO_REFERRAL_SETTINGS;
  try {
    const r = referralSettingsSchema.safeParse(JSON.parse(json));
    return r.success ? r.data : NO_REFERRAL_SETTINGS;
  } catch {
    return NO_REFERRAL_SETTINGS;
  }
}

/** The team a word names on this campaign (`JOIN nurses`, `JOIN Nurses!`), if any. */
export function teamByWord(settings: ReferralSettings | undefined, word: string): TeamSpec | undefined {
  if (!settings || settings.teams.length === 0) return undefined;
  const w = keywordForm(word);
  return settings.teams.find((t) => t.word === w);
}
