/**
 * Ideas in the domain: what `IDEA <text>` and `VOTE 12` mean, the word list's verdict on a new
 * idea, and the short texts a supporter gets back. Pure; the router's rules are
 * src/core/rules/idea-commands.ts and src/core/rules/live-votes.ts (a bare number).
 */
import { screenWords } from './profanity';
import { IDEA_MAX_CHARS, IDEA_VOTES_PER_WINDOW } from './voting';

export type IdeaStatus = 'pending' | 'flagged' | 'approved' | 'rejected' | 'merged';

export const IDEA_STATUSES: readonly IdeaStatus[] = ['pending', 'flagged', 'approved', 'rejected', 'merged'];

export type IdeaCommand =
  | { kind: 'idea'; text: string }
  | { kind: 'vote'; number: number | null };

/** IDEA <text> or VOTE <n>, the command word first (any case, punctuation after it ignored). */
export function ideaCommand(text: string): IdeaCommand | null {
  const m = /^\s*(idea|vote)\b[\s:.,!-]*([\s\S]*)$/iu.exec(text);
  if (!m) return null;
  const rest = m[2]!.trim();
  if (m[1]!.toUpperCase() === 'IDEA') return { kind: 'idea', text: rest };
  const n = /^#?(\d{1,6})[.!]?$/.exec(rest);
  return { kind: 'vote', number: n ? Number(n[1]) : null };
}

/** A bare idea number ("12", "#12"): a vote while idea voting is open. */
export function bareNumber(text: string): number | null {
  const n = /^\s*#?(\d{1,6})[.!]?\s*$/.exec(text);
  return n ? Number(n[1]) : null;
}

/** Characters as people count them (an emoji is one). */
export function charCount(text: string): number {
  return [...text].length;
}

export type IdeaCheck =
  | { ok: true; status: 'pending' | 'flagged' | 'rejected'; flag: string | null }
  | { ok: false; reply: string };

/** A new idea's fate: a precise reply if it is empty or too long, else the word list's verdict. */
export function checkIdea(text: string): IdeaCheck {
  const n = charCount(text);
  if (n === 0) return { ok: false, reply: 'Send your idea after the word IDEA, like: IDEA free buses on rally day' };
  if (n > IDEA_MAX_CHARS) {
    return { ok: false, reply: `Your idea is ${n} characters; ideas can be up to ${IDEA_MAX_CHARS}. Please shorten it and send it again.` };
  }
  const w = screenWords(text);
  if (w.verdict === 'reject') return { ok: true, status: 'rejected', flag: `word list: ${w.word}` };
  if (w.verdict === 'flag') return { ok: true, status: 'flagged', flag: `borderline word: ${w.word}` };
  return { ok: true, status: 'pending', flag: null };
}

export const IDEA_RECEIVED = 'Thanks! Your idea is in. Once the team approves it, it gets a number on the screen and people can vote for it.';
export const IDEA_REFUSED = "Sorry, we can't put that idea on the screen. Please keep ideas respectful.";
export const IDEAS_CLOSED = 'Ideas are closed right now. Thanks for taking part!';
export const VOTE_HOW = 'Reply VOTE and the number of an idea on the screen, like: VOTE 12';

export function ideaVoteCounted(n: number, used: number): string {
  const left = IDEA_VOTES_PER_WINDOW - used;
  return left > 0 ? `Counted your vote for idea ${n}. You have ${left} vote${left === 1 ? '' : 's'} left.` : `Counted your vote for idea ${n}. That was your last vote. Thanks!`;
}

export function ideaAlreadyVoted(n: number): string {
  return `You already voted for idea ${n}.`;
}

export const IDEA_VOTES_USED = `You've used your ${IDEA_VOTES_PER_WINDOW} votes. Thanks for taking part!`;

export function noSuchIdea(n: number): string {
  return `There's no idea ${n} to vote for. Check the numbers on the screen.`;
}
