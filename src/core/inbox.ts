/**
 * The inbox's rules, pure: when an unclaimed text gets the campaign's auto-reply (at most once per
 * 24 h per number), what that auto-reply says, what a reply, an assignee, a canned response and a
 * split request may be, and how unassigned threads are dealt out. The router decides that a text
 * is an inbox item (src/core/inbound.ts); the store applies the 24-hour rule with `autoReplyDue`
 * because only it holds the thread's last auto-reply time (loaded for unclaimed texts only, so a
 * burst of JOINs pays nothing for the inbox).
 */
import { z } from 'zod';
import type { AutoReplySetting, CampaignRuntime } from './campaign';
import { HOUR_MS } from './clock';
import { checkTemplate, renderTemplate } from './template';
import { textField } from './text';
import { zodProblems, type ParseResult } from './validation';
import { isTranslated, languagesOf, localized, textIn, type Lang } from './language';
import { systemText } from './system-texts';

/** An auto-reply goes to a number at most once in this window. */
export const AUTO_REPLY_WINDOW_MS = 24 * HOUR_MS;

/** Twilio refuses bodies longer than 1600 characters (error 21617). */
export const MAX_REPLY_CHARS = 1600;

/** Merge fields an auto-reply may use (the campaign's). */
export const AUTO_REPLY_FIELDS = ['program', 'program_name', 'keyword', 'sender'] as const;

/** Merge fields a canned response may use (the contact's and the campaign's). */
export const CANNED_FIELDS = ['first_name', 'zip', 'email', 'program', 'program_name', 'sender'] as const;

export type { AutoReplySetting };

export const DEFAULT_AUTO_REPLY = '{{program}}: Thanks for your message! A person from our team will read it and reply. Reply HELP for help, STOP to cancel.';

function campaignValues(c: Pick<CampaignRuntime, 'programName' | 'sender' | 'keywords'>): Record<string, string> {
  return { program: c.programName, program_name: c.programName, keyword: c.keywords[0]?.word ?? '', sender: c.sender };
}

/**
 * The auto-reply text for an unclaimed text on this campaign, in `lang`, or null when the campaign
 * turned it off. The organizer's own text is in the campaign's default language; other languages
 * get their override or the built-in text (src/core/system-texts.ts).
 */
export function autoReplyFor(c: CampaignRuntime, lang: Lang = languagesOf(c)[0]!): string | null {
  const s = c.autoReply ?? { enabled: true, text: null };
  if (!s.enabled) return null;
  if (s.text !== null && lang === languagesOf(c)[0]) return renderTemplate(s.text, campaignValues(c));
  return systemText(c, 'autoReply', lang);
}

/** True when no auto-reply went to this number within the window. */
export function autoReplyDue(lastAt: string | null, now: string): boolean {
  return lastAt === null || Date.parse(now) - Date.parse(lastAt) >= AUTO_REPLY_WINDOW_MS;
}

const body = (max: number) =>
  textField()
    .refine((s) => s.trim() !== '', 'must not be empty')
    .refine((s) => [...s].length <= max, `must be at most ${max} characters (Twilio refuses longer texts)`);

export const replySchema = z.object({ body: z.string({ message: 'must be a string' }).pipe(body(MAX_REPLY_CHARS)) }).strict();

export function parseReply(input: unknown): ParseResult<{ body: string }> {
  const r = replySchema.safeParse(input);
  return r.success ? { ok: true, value: { body: r.data.body.trim() } } : { ok: false, problems: zodProblems(r.error) };
}

/** An actor id: `token:admin`, `token:volunteer` or `user:<id>` (src/usecases/sessions/actor.ts). */
export const actorIdSchema = z.string().regex(/^(?:token:(?:admin|volunteer)|user:[A-Za-z0-9_-]{1,64})$/, 'must be an actor id like token:volunteer or user:<id>');

export const assignSchema = z.object({ assignee: actorIdSchema.nullable() }).strict();

export function parseAssign(input: unknown): ParseResult<{ assignee: string | null }> {
  const r = assignSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, problems: zodProblems(r.error) };
}

export type SplitMode = 'round_robin' | 'count';

/** `assignees: "signed_in"` in a split: the volunteers signed in as themselves right now. */
export const SIGNED_IN = 'signed_in';

export const splitSchema = z
  .object({
    /** Actor ids, or "signed_in": every volunteer with their own account who is signed in now. */
    assignees: z.union([
      z.literal(SIGNED_IN),
      z.array(actorIdSchema).min(1).max(200).refine((a) => new Set(a).size === a.length, 'must not list anyone twice'),
    ], { message: 'must be a list of actor ids or "signed_in"' }),
    mode: z.enum(['round_robin', 'count']).default('round_robin'),
    /** mode "count": threads per assignee. */
    count: z.number().int().min(1).max(10_000).optional(),
    campaignId: z.string().min(1).max(100).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.mode === 'count' && s.count === undefined) ctx.addIssue({ code: 'custom', path: ['count'], message: 'is required when mode is "count"' });
  });

export type SplitRequest = z.output<typeof splitSchema>;

export function parseSplit(input: unknown): ParseResult<SplitRequest> {
  const r = splitSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, problems: zodProblems(r.error) };
}

/**
 * Deals threads (oldest first) to assignees in turn. Round robin deals them all; by count, each
 * assignee gets at most `count`. Returns [threadId, assignee] pairs.
 */
export function dealThreads(threads: readonly string[], assignees: readonly string[], mode: SplitMode, count?: number): [string, string][] {
  const limit = mode === 'count' ? (count ?? 0) * assignees.length : threads.length;
  return threads.slice(0, limit).map((t, i) => [t, assignees[i % assignees.length]!]);
}

export const cannedSchema = z
  .object({
    title: textField().trim().min(1, 'must not be empty').max(60),
    /** One body, or one per language (`{ "en": "…", "es": "…" }`, issue 16): the thread shows the contact's. */
    body: localized(body(MAX_REPLY_CHARS)),
  })
  .strict()
  .superRefine((c, ctx) => {
    const each: [string, (string | number)[]][] = isTranslated(c.body)
      ? Object.entries(c.body).map(([l, t]) => [t ?? '', ['body', l]])
      : [[c.body, ['body']]];
    for (const [t, path] of each) for (const p of checkTemplate(t, CANNED_FIELDS)) ctx.addIssue({ code: 'custom', path, message: p.message });
  });

/** A canned response: `body` is the one body (or English, else the first language); `bodies` per language, null for one. */
export function parseCanned(input: unknown): ParseResult<{ title: string; body: string; bodies: Partial<Record<Lang, string>> | null }> {
  const r = cannedSchema.safeParse(input);
  if (!r.success) return { ok: false, problems: zodProblems(r.error) };
  const b = r.data.body;
  if (!isTranslated(b)) return { ok: true, value: { title: r.data.title, body: b.trim(), bodies: null } };
  const bodies: Partial<Record<Lang, string>> = {};
  for (const [l, t] of Object.entries(b) as [Lang, string][]) bodies[l] = t.trim();
  return { ok: true, value: { title: r.data.title, body: textIn(bodies, 'en'), bodies } };
}

export const autoReplySchema = z
  .object({
    enabled: z.boolean(),
    text: body(640).nullable().default(null),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.text === null) return;
    for (const p of checkTemplate(s.text, AUTO_REPLY_FIELDS)) ctx.addIssue({ code: 'custom', path: ['text'], message: p.message });
    if (!/\bSTOP\b/.test(s.text)) ctx.addIssue({ code: 'custom', path: ['text'], message: 'must tell people to reply STOP to cancel' });
  });

export function parseAutoReply(input: unknown): ParseResult<AutoReplySetting> {
  const r = autoReplySchema.safeParse(input);
  return r.success ? { ok: true, value: { enabled: r.data.enabled, text: r.data.text === null ? null : r.data.text.trim() } } : { ok: false, problems: zodProblems(r.error) };
}

/** A canned response with the contact's and campaign's values merged in. */
export function renderCanned(
  template: string,
  v: { firstName: string | null; zip: string | null; email: string | null; programName: string | null; sender: string | null },
): string {
  return renderTemplate(template, { first_name: v.firstName, zip: v.zip, email: v.email, program: v.programName, program_name: v.programName, sender: v.sender });
}
