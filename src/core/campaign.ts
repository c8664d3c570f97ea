/**
 * A campaign as the router needs it, and the compliance texts built from it. The carrier-required
 * parts (program name, frequency, "Msg & data rates may apply", HELP/STOP) are always generated
 * from structured fields so an organizer cannot accidentally write a non-compliant confirmation.
 */
import { z } from 'zod';
import { flowSchema, type Flow } from './flow';
import { zodProblems, type ParseResult } from './validation';
import { keywordForm, textField } from './text';
import { donationUrlSchema } from './donations';
import { REMINDER_COMMAND_WORDS } from './rules/reminder-commands';

export interface CampaignRuntime {
  id: string;
  name: string;
  programName: string;
  sender: string;
  /** Keywords that start this campaign's flow: primary word and its aliases. */
  keywords: KeywordSpec[];
  /** e.g. "Up to 6 msgs/mo" or "Recurring msgs". */
  frequency: string;
  /** Where to get help: an email, URL or phone number. */
  supportContact: string;
  /** Full HELP reply; when null one is generated. */
  helpText: string | null;
  expiryHours: number;
  flow: Flow;
  /** The auto-reply to unclaimed texts (the inbox); absent: on, with the default text. */
  autoReply?: AutoReplySetting;
  /** The donation form URL template (issue 14); absent or null: {{donation_link}} is left empty. */
  donationUrl?: string | null;
}

/** A campaign's auto-reply to texts nothing claims (src/core/inbox.ts applies it). */
export interface AutoReplySetting {
  enabled: boolean;
  /** null: the default text. */
  text: string | null;
}

export interface KeywordSpec {
  word: string;
  aliases: string[];
}

const KEYWORD = z
  .string()
  .transform((s) => keywordForm(s))
  .pipe(z.string().regex(/^[\p{Lu}\p{N}]{2,20}$/u, 'must be 2-20 letters or digits'));

/** Words a campaign may never claim as a keyword: they belong to compliance. */
export const RESERVED_KEYWORDS = new Set([
  'STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'ALTO', 'PARAR', 'CANCELAR',
  'DETENER', 'BASTA', 'START', 'UNSTOP', 'YES', 'HELP', 'INFO', 'AYUDA',
]);

const keywordSpec = z.object({
  word: KEYWORD.refine((w) => !RESERVED_KEYWORDS.has(w), 'is a reserved compliance keyword')
    .refine((w) => !REMINDER_COMMAND_WORDS.has(w), 'is a supporter command word (PAUSE / SKIP pause reminders)'),
  aliases: z.array(
    KEYWORD.refine((w) => !RESERVED_KEYWORDS.has(w), 'is a reserved compliance keyword')
      .refine((w) => !REMINDER_COMMAND_WORDS.has(w), 'is a supporter command word (PAUSE / SKIP pause reminders)'),
  ).max(20).default([]),
});

/** A sender: a 5-6 digit short code, or an E.164 long code / toll-free number. */
export const senderSchema = z
  .string()
  .trim()
  .regex(/^(?:\d{5,6}|\+[1-9]\d{7,14})$/, 'must be a 5-6 digit short code or an E.164 number like +13125550100');

/**
 * The numeric campaign settings, one schema each, used wherever the value is set (create,
 * replace, PUT …/goal, the console form): finite numbers in a range that makes sense. JSON
 * allows 1e400 (Infinity once parsed) and 1e-9; neither may reach the database.
 */
export const goalCentsSchema = z
  .number({ message: 'must be a number of cents' })
  .int('must be a whole number of cents')
  .min(0, 'must not be negative')
  .max(1_000_000_000, 'must be at most 1000000000 cents ($10,000,000)');

/** How long a conversation waits for the next answer: 1 hour to 30 days. */
export const expiryHoursSchema = z
  .number({ message: 'must be a number of hours' })
  .min(1, 'must be at least 1 hour')
  .max(24 * 30, 'must be at most 720 hours (30 days)');

/** PUT /api/campaigns/:id/goal. */
export const campaignGoalSchema = z.object({ goalCents: goalCentsSchema });

export function parseCampaignGoal(input: unknown): ParseResult<{ goalCents: number }> {
  const r = campaignGoalSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, problems: zodProblems(r.error) };
}

export const campaignInputSchema = z
  .object({
    name: textField().trim().min(1).max(120),
    programName: textField().trim().min(1).max(60),
    sender: senderSchema,
    keywords: z.array(keywordSpec).min(1).max(20),
    frequency: textField().trim().min(1).max(40).default('Up to 6 msgs/mo'),
    supportContact: textField().trim().min(3).max(80),
    helpText: textField()
      .trim()
      .min(1)
      .max(320)
      .refine((t) => /\bSTOP\b/.test(t), 'must tell people to reply STOP to cancel')
      .nullable()
      .default(null),
    expiryHours: expiryHoursSchema.default(24),
    /** Tonight's monthly pledge goal; left as it is when a replace omits it. */
    goalCents: goalCentsSchema.optional(),
    /** The donation form URL template (https; {{pledge_amount}} {{pledge_ref}} {{first_name}} {{email}} {{zip}}); null removes it, omitted keeps it. */
    donationUrl: donationUrlSchema.nullable().optional(),
    flow: flowSchema,
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, string>();
    c.keywords.forEach((k, i) => {
      [k.word, ...k.aliases].forEach((w, j) => {
        if (seen.has(w)) {
          ctx.addIssue({ code: 'custom', path: j === 0 ? ['keywords', i, 'word'] : ['keywords', i, 'aliases', j - 1], message: `"${w}" is listed twice` });
        }
        seen.set(w, k.word);
      });
    });
  });

export type CampaignInput = z.input<typeof campaignInputSchema>;
export type CampaignSpec = z.output<typeof campaignInputSchema>;

export function parseCampaign(input: unknown): ParseResult<CampaignSpec> {
  const r = campaignInputSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, problems: zodProblems(r.error) };
}

export function primaryKeyword(c: Pick<CampaignRuntime, 'keywords'>): string {
  return c.keywords[0]?.word ?? '';
}

export function optInConfirmation(c: CampaignRuntime): string {
  return `${c.programName}: Thanks for joining! ${c.frequency}. Msg & data rates may apply. Reply HELP for help, STOP to cancel.`;
}

export function helpReply(c: CampaignRuntime): string {
  return (
    c.helpText ??
    `${c.programName}: Help at ${c.supportContact}. ${c.frequency}. Msg & data rates may apply. Reply STOP to cancel.`
  );
}

export function optOutConfirmation(c: CampaignRuntime): string {
  return `${c.programName}: You're unsubscribed and will get no more messages. Reply START to resubscribe.`;
}

export function defaultReply(c: CampaignRuntime): string {
  return `${c.programName}: Text ${primaryKeyword(c)} to ${c.sender} to join. Reply HELP for help, STOP to cancel.`;
}

/** Merge values every campaign message can use. */
export function campaignVars(c: CampaignRuntime, keyword: string): Record<string, string> {
  return { program: c.programName, keyword, sender: c.sender };
}
