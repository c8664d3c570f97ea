/**
 * Live polls in the domain: the shape an organizer gives (a question and 2-9 options, each
 * answered by a number or a word), which text is a vote for which option, and the short texts a
 * voter gets back. Pure; the router's rule is src/core/rules/live-votes.ts.
 */
import { z } from 'zod';
import { RESERVED_KEYWORDS } from './campaign';
import { keywordForm, textField } from './text';
import { zodProblems, type FieldProblem, type ParseResult } from './validation';
import type { PollOption, PollView } from './voting';

/** Supporter command words (the commands slot of the router): no poll option may be one of them. */
export const COMMAND_WORDS = new Set(['IDEA', 'VOTE', 'PAGE', 'GOAL', 'SHOW', 'PAUSE', 'SKIP']);

const WORD = z
  .string()
  .transform((s) => keywordForm(s))
  .pipe(z.string().regex(/^[\p{Lu}\p{N}]{1,20}$/u, 'must be 1-20 letters or digits'))
  .refine((w) => !RESERVED_KEYWORDS.has(w), 'is a reserved compliance word (STOP, HELP, START…)')
  .refine((w) => !COMMAND_WORDS.has(w), 'is a supporter command word (IDEA, VOTE, PAGE, GOAL, SHOW, PAUSE, SKIP)');

const optionSchema = z.object({
  label: textField().trim().min(1, 'must not be empty').max(40, 'must be at most 40 characters'),
  /** Omitted: the option's number ("1" for the first). */
  words: z.array(WORD).min(1, 'needs at least one word').max(10, 'at most 10 words per option').optional(),
});

export const pollInputSchema = z.object({
  campaignId: z.string().trim().min(1, 'must name a campaign').max(100),
  question: textField().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  options: z.array(optionSchema).min(2, 'a poll needs 2 to 9 options').max(9, 'a poll needs 2 to 9 options'),
});

export interface PollSpec {
  campaignId: string;
  question: string;
  options: PollOption[];
}

/** A poll as an organizer sends it: options numbered when they name no words, no word used twice. */
export function parsePoll(input: unknown): ParseResult<PollSpec> {
  const r = pollInputSchema.safeParse(input);
  if (!r.success) return { ok: false, problems: zodProblems(r.error) };
  const options = r.data.options.map((o, i) => ({ label: o.label, words: [...new Set(o.words ?? [String(i + 1)])] }));
  const problems: FieldProblem[] = [];
  const seen = new Map<string, number>();
  options.forEach((o, i) =>
    o.words.forEach((w, j) => {
      const other = seen.get(w);
      if (other !== undefined && other !== i) problems.push({ path: `options.${i}.words.${j}`, message: `"${w}" already answers option ${other + 1}` });
      seen.set(w, i);
    }),
  );
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { campaignId: r.data.campaignId, question: r.data.question, options } };
}

/** Problems for option words that are keywords on the poll's sender (they would start a flow instead). */
export function keywordCollisions(options: readonly PollOption[], isKeyword: (word: string) => boolean): FieldProblem[] {
  const problems: FieldProblem[] = [];
  options.forEach((o, i) =>
    o.words.forEach((w, j) => {
      if (isKeyword(w)) problems.push({ path: `options.${i}.words.${j}`, message: `"${w}" is a keyword on this sender` });
    }),
  );
  return problems;
}

/** The option a text votes for: the whole text is one of its words ("2", "jobs!", " Jobs "). */
export function optionOf(poll: Pick<PollView, 'options'>, text: string): number | null {
  const word = keywordForm(text);
  if (word === '' || word.length > 20) return null;
  for (let i = 0; i < poll.options.length; i++) if (poll.options[i]!.words.includes(word)) return i;
  return null;
}

/** A text that looks like a vote but names no option: a bare number ("7"). */
export function looksLikeVote(text: string): boolean {
  return /^\s*#?\d{1,3}[.!]?\s*$/.test(text);
}

/** "Reply 1, 2 or 3": each option's first word. */
export function pollHint(poll: Pick<PollView, 'options'>): string {
  const words = poll.options.map((o) => o.words[0]!);
  const list = words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
  return `Reply ${list}`;
}

/** The one confirmation: a voter who has not joined is told how to (voting subscribes nobody). */
export function voteConfirmation(label: string, replaced: boolean, subscribed: boolean, joinWord: string, programName: string): string {
  const counted = replaced ? `Counted: ${label} (replaces your earlier vote).` : `Counted: ${label}.`;
  if (subscribed || !joinWord) return counted;
  return `${counted} Reply ${joinWord} to get updates from ${programName}`;
}

export const VOTING_CLOSED = 'Voting has closed. Thanks for taking part!';
