/**
 * A broadcast's audience as data: the filters organizers may set, parsed strictly (a misspelt
 * filter is a 400, never a broadcast to everyone). Which contacts match (subscribed only; one
 * text per contact, from the first listed campaign they belong to) is the store's query, in
 * src/store/broadcasts/audience-query.ts.
 */
import { z } from 'zod';
import { instantSchema } from './dates';
import { zodProblems, type ParseResult } from './validation';
import { keywordForm } from './text';
import { US_STATES, stateForZip } from './time-zones';
import { langSchema } from './language';

/** A UTC day or an instant with a zone; impossible dates (2026-02-31) are refused, not rolled over. */
const isoInstant = instantSchema(true).transform((p) => p.iso);

const keywordList = z
  .union([z.string(), z.array(z.string()).max(50)])
  .transform((v) => (Array.isArray(v) ? v : [v]).map(keywordForm))
  .refine((v) => v.every((w) => /^[\p{Lu}\p{N}]{2,20}$/u.test(w)), 'keywords are 2-20 letters or digits');

/** A custom field's value in a filter: text (1-200), a number, yes/no. */
const fieldValue = z.union([z.string().trim().min(1).max(200), z.number().finite(), z.boolean()]);

export const audienceSchema = z
  .object({
    campaigns: z.array(z.string().trim().min(1)).min(1, 'name at least one campaign').max(50),
    keywords: keywordList.optional(),
    keyword: keywordList.optional(),
    pledged: z.boolean().optional(),
    zipPrefix: z.string().trim().regex(/^\d{1,5}$/, 'must be 1-5 digits').optional(),
    state: z
      .string()
      .trim()
      .transform((s) => s.toUpperCase())
      .refine((s) => US_STATES.includes(s), 'must be a two-letter US state or territory code')
      .optional(),
    joinedAfter: isoInstant.optional(),
    joinedBefore: isoInstant.optional(),
    completed: z.boolean().optional(),
    /**
     * The language each recipient would be texted in on the campaign they are reached through:
     * theirs when that campaign lists it, else its default (an unknown language included).
     */
    language: z
      .union([langSchema, z.array(langSchema).min(1).max(10)])
      .transform((v) => [...new Set(Array.isArray(v) ? v : [v])])
      .optional(),
    /** Tagged with any of these teams on the campaign they are reached through (issue 13): `"NURSES"` or a list. */
    teams: z
      .union([z.string(), z.array(z.string()).min(1).max(50)])
      .transform((v) => [...new Set((Array.isArray(v) ? v : [v]).map(keywordForm))])
      .refine((v) => v.every((w) => /^[A-Z]{2,20}$/.test(w)), 'team words are 2-20 letters')
      .optional(),
    /**
     * Custom fields captured by flow steps (issue 13): `{ "shift": "morning", "volunteer": true }`,
     * each field equal to the value (text compared ignoring case), or to any value of a list.
     */
    fields: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'field names are lower-case letters, digits or _ (as flow steps capture them)'),
        z.union([fieldValue, z.array(fieldValue).min(1).max(50)]).transform((v) => (Array.isArray(v) ? v : [v])),
      )
      .refine((f) => Object.keys(f).length <= 10, 'at most 10 fields')
      .optional(),
    /**
     * Voted for this option in this poll (issue 15: "voted for JOBS"); the vote as it stands. The
     * option is its number (1-based) or one of its words or its label ("JOBS", "Jobs"), resolved
     * to the number against the poll when the audience is checked (usecases/broadcasts/audience.ts).
     */
    votedFor: z
      .strictObject({
        poll: z.string().trim().min(1).max(100),
        option: z.union([z.number().int().min(1).max(9), z.string().trim().min(1, 'must be the option number, word or label').max(60)]),
      })
      .optional(),
  })
  // Strict: a misspelt filter ("zip_prefix") must be a 400, not a broadcast to everyone.
  .strict()
  .refine((a) => !a.joinedAfter || !a.joinedBefore || a.joinedAfter < a.joinedBefore, {
    message: 'joinedAfter must be before joinedBefore', path: ['joinedBefore'],
  })
  .transform(({ keyword, keywords, ...rest }) => {
    const all = [...new Set([...(keywords ?? []), ...(keyword ?? [])])];
    return { ...rest, campaigns: [...new Set(rest.campaigns)], ...(all.length > 0 ? { keywords: all } : {}) };
  });

export type AudienceInput = z.input<typeof audienceSchema>;
export type Audience = z.output<typeof audienceSchema>;

export function parseAudience(input: unknown, prefix: string[] = ['audience']): ParseResult<Audience> {
  const r = audienceSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, problems: zodProblems(r.error, prefix) };
}

export interface AudienceMember {
  contactId: string;
  campaignId: string;
  keyword: string;
  phone: string;
  firstName: string | null;
  zip: string | null;
  fromState: string | null;
  /** The supporter's language (null: unknown). */
  language?: string | null;
}

/** The state a contact is in: from the ZIP, else what Twilio reported (FromState). */
export function stateOf(zip: string | null, fromState: string | null): string | null {
  return stateForZip(zip) ?? (fromState ? fromState.toUpperCase() : null);
}
