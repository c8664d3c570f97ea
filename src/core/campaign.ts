/**
 * A campaign as the router needs it, and the compliance texts built from it. The carrier-required
 * parts (program name, frequency, "Msg & data rates may apply", HELP/STOP) are always generated
 * from structured fields so an organizer cannot accidentally write a non-compliant confirmation.
 */
import { z } from 'zod';
import { flowSchema, type Flow } from './flow';
import { zodProblems, type ParseResult } from './validation';
import { keywordForm, textField } from './text';
import { LANGUAGE_SWITCH_KEYWORDS, langSchema, languagesOf, translationProblems, type Lang } from './language';
import { flowMessages } from './flow-messages';
import { frequencyTranslates, overrideProblems, systemText, TEXT_KEYS, type TextOverrides } from './system-texts';
import { donationUrlSchema } from './donations';
import { referralSettingsSchema, type ReferralSettings } from './referral-settings';
import { REMINDER_COMMAND_WORDS } from './rules/reminder-commands';
import { REFERRAL_COMMAND_WORDS } from './rules/referral-commands';

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
  /** The campaign's languages, default first (absent: English only). */
  languages?: Lang[];
  /** Overrides of the built-in system texts, per language (src/core/system-texts.ts). */
  texts?: TextOverrides;
  /** The donation form URL template (issue 14); absent or null: {{donation_link}} is left empty. */
  donationUrl?: string | null;
  /** Teams, the recruiter notice and the leaderboard question (issue 13); absent: none, all off. */
  referrals?: ReferralSettings;
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
  /** The language of the word (and of its aliases that name none): a supporter who texts it is spoken to in it. */
  language?: Lang | undefined;
  /** Aliases with a language of their own (`{ "word": "UNETE", "language": "es" }` in the input). */
  aliasLanguages?: Partial<Record<string, Lang>> | undefined;
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

/** Words the language switch owns (ESPAÑOL, ENGLISH …): no campaign may claim them either. */
export const RESERVED_LANGUAGE_WORDS: ReadonlySet<string> = new Set(LANGUAGE_SWITCH_KEYWORDS);

/** Words other rules own, with why: a keyword may not be one, nor may a team word (the poster says "JOIN <word>"). */
const OWNED_WORDS: readonly [ReadonlySet<string>, string][] = [
  [RESERVED_KEYWORDS, 'is a reserved compliance keyword'],
  [RESERVED_LANGUAGE_WORDS, 'is a reserved word: texting it switches the supporter\'s language'],
  [REMINDER_COMMAND_WORDS, 'is a supporter command word (PAUSE / SKIP pause reminders)'],
  [REFERRAL_COMMAND_WORDS, 'is a supporter command word (PAGE, GOAL, SHOW: referrals)'],
];

/** Why a word (in keyword form) belongs to another rule; null when it is free. */
export function ownedWordProblem(word: string): string | null {
  return OWNED_WORDS.find(([words]) => words.has(word))?.[1] ?? null;
}

const FREE_WORD = KEYWORD.superRefine((w, ctx) => {
  const problem = ownedWordProblem(w);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** An alias: a word, or a word with its own language (`{ "word": "UNETE", "language": "es" }`). */
const aliasSpec = z.union([FREE_WORD, z.object({ word: FREE_WORD, language: langSchema.optional() }).strict()], {
  message: 'must be a word or { "word": "…", "language": "es" }',
});

const keywordSpec = z
  .object({
    word: FREE_WORD,
    language: langSchema.optional(),
    aliases: z.array(aliasSpec).max(20).default([]),
    /** As the API shows it (aliases with their own language), so a campaign read back can be saved again. */
    aliasLanguages: z.record(z.string(), langSchema).optional(),
  })
  .transform((k): KeywordSpec => {
    const aliasLanguages: Partial<Record<string, Lang>> = {};
    for (const [w, l] of Object.entries(k.aliasLanguages ?? {})) aliasLanguages[keywordForm(w)] = l;
    const aliases = k.aliases.map((a) => {
      if (typeof a === 'string') return a;
      if (a.language) aliasLanguages[a.word] = a.language;
      return a.word;
    });
    const out: KeywordSpec = { word: k.word, aliases };
    if (k.language) out.language = k.language;
    if (Object.keys(aliasLanguages).length > 0) out.aliasLanguages = aliasLanguages;
    return out;
  });

/** One language's overrides of the built-in system texts (src/core/texts/en.ts lists the keys). */
const overridesSchema = z
  .object(Object.fromEntries([...TEXT_KEYS, 'frequency'].map((k) => [k, textField().trim().min(1, 'must not be empty').max(480).optional()])))
  .strict();

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
    /** Teams, the recruiter notice, the leaderboard question (src/core/referral-settings.ts); omitted keeps them. */
    referrals: referralSettingsSchema.optional(),
    flow: flowSchema,
    /** The campaign's languages, default first. */
    languages: z
      .array(langSchema)
      .min(1, 'list at least one language')
      .refine((l) => new Set(l).size === l.length, 'must not list a language twice')
      .default(['en']),
    /** Per language, overrides of the built-in system texts: `{ "es": { "help": "…" } }`. */
    texts: z.partialRecord(langSchema, overridesSchema).default({}),
  })
  .superRefine((c, ctx) => {
    const languages = c.languages;
    for (const m of flowMessages(c.flow)) {
      for (const p of translationProblems(m.message, languages, ['flow', ...m.path])) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
    }
    c.keywords.forEach((k, i) => {
      if (k.language && !languages.includes(k.language)) {
        ctx.addIssue({ code: 'custom', path: ['keywords', i, 'language'], message: `"${k.language}" is not one of the campaign's languages (${languages.join(', ')})` });
      }
      k.aliases.forEach((a, j) => {
        const l = k.aliasLanguages?.[a];
        if (l && !languages.includes(l)) ctx.addIssue({ code: 'custom', path: ['keywords', i, 'aliases', j, 'language'], message: `"${l}" is not one of the campaign's languages (${languages.join(', ')})` });
      });
    });
    for (const [lang, overrides] of Object.entries(c.texts) as [Lang, Record<string, string | undefined>][]) {
      if (!languages.includes(lang)) ctx.addIssue({ code: 'custom', path: ['texts', lang], message: `"${lang}" is not one of the campaign's languages (${languages.join(', ')})` });
      for (const [key, template] of Object.entries(overrides)) {
        if (template === undefined) continue;
        for (const message of overrideProblems(key as never, template)) ctx.addIssue({ code: 'custom', path: ['texts', lang, key], message });
      }
    }
    for (const lang of languages) {
      if (lang !== languages[0] && !c.texts[lang]?.frequency && !frequencyTranslates(c.frequency, lang)) {
        ctx.addIssue({
          code: 'custom', path: ['texts', lang, 'frequency'],
          message: `give the message frequency in ${lang} (carriers require it in every confirmation): "${c.frequency}" has no automatic translation`,
        });
      }
    }
    const seen = new Map<string, string>();
    c.keywords.forEach((k, i) => {
      [k.word, ...k.aliases].forEach((w, j) => {
        if (seen.has(w)) {
          ctx.addIssue({ code: 'custom', path: j === 0 ? ['keywords', i, 'word'] : ['keywords', i, 'aliases', j - 1], message: `"${w}" is listed twice` });
        }
        seen.set(w, k.word);
      });
    });
    // A team word follows a keyword ("JOIN NURSES"): it may not be a word another rule owns, nor
    // one of this campaign's keywords (texted alone it would start the flow with no team).
    c.referrals?.teams.forEach((team, i) => {
      const owned = ownedWordProblem(team.word);
      const keyword = seen.get(team.word);
      const message = owned ?? (keyword === undefined ? null
        : `is ${keyword === team.word ? 'a keyword' : `an alias of the keyword ${keyword}`} of this campaign: a team word must differ from its keywords`);
      if (message) ctx.addIssue({ code: 'custom', path: ['referrals', 'teams', i, 'word'], message });
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

/** The system texts, in `lang` (default: the campaign's default language); src/core/system-texts.ts. */
export function optInConfirmation(c: CampaignRuntime, lang: Lang = languagesOf(c)[0]!): string {
  return systemText(c, 'optIn', lang);
}

export function startConfirmation(c: CampaignRuntime, lang: Lang = languagesOf(c)[0]!): string {
  return systemText(c, 'start', lang);
}

export function helpReply(c: CampaignRuntime, lang: Lang = languagesOf(c)[0]!): string {
  return systemText(c, 'help', lang);
}

export function optOutConfirmation(c: CampaignRuntime, lang: Lang = languagesOf(c)[0]!): string {
  return systemText(c, 'stop', lang);
}

export function defaultReply(c: CampaignRuntime, lang: Lang = languagesOf(c)[0]!): string {
  return systemText(c, 'defaultReply', lang);
}

/**
 * Merge values every campaign message can use. In `lang`, {{keyword}} is the keyword's word in
 * that language (JOIN's alias UNETE for Spanish) when it has one, so a Spanish share line says
 * "manda UNETE al 62262". core/inbound.ts flowVars writes these three out in its one literal
 * (hidden classes): a field added here goes there too.
 */
export function campaignVars(c: CampaignRuntime, keyword: string, lang?: Lang): Record<string, string> {
  return { program: c.programName, keyword: lang ? keywordInLanguage(c, keyword, lang) : keyword, sender: c.sender };
}

/** The word of keyword `primary` (it or one of its aliases) in `lang`; the primary word when none is. */
export function keywordInLanguage(c: Pick<CampaignRuntime, 'keywords'>, primary: string, lang: Lang): string {
  const k = c.keywords.find((x) => x.word === primary);
  if (!k || !k.language || k.language === lang) return primary;
  return k.aliases.find((a) => (k.aliasLanguages?.[a] ?? k.language) === lang) ?? primary;
}
