/**
 * What the router sees of live voting on one sender (polls and the ideas window), and what it
 * knows of the texting phone's earlier votes. The inbound use case keeps the sender's view in
 * memory (src/usecases/polls/voting-registry.ts) and the store loads the phone's part inside the
 * text's transaction, so the router stays pure and the rally-night hot path reads no poll tables
 * unless a poll or an ideas window is live on the sender.
 */

export interface PollOption {
  label: string;
  /** Keyword forms that count as this option ("1", "JOBS"). */
  words: string[];
}

export interface PollView {
  id: string;
  campaignId: string;
  question: string;
  options: PollOption[];
  /** false: closed a moment ago (a late vote gets "Voting has closed"). */
  open: boolean;
  /** The poll's campaign's keyword and program name, for "Reply JOIN to get updates from …". */
  joinWord: string;
  programName: string;
}

export interface IdeasView {
  windowId: string;
  campaignId: string;
  /** false: closed a moment ago (IDEA and VOTE get "Ideas are closed"). */
  open: boolean;
  /** Approved ideas of the window by their number (a merged duplicate's number names the idea it went into). */
  byNumber: ReadonlyMap<number, string>;
}

/** The sender's live voting, as cached in memory. */
export interface VotingView {
  poll: PollView | null;
  ideas: IdeasView | null;
}

/** The texting phone's earlier part in it, read in the text's transaction. */
export interface VoterState {
  /** Its response to `poll`: the option voted for (null: none yet) and whether it got the hint. */
  pollVote: { optionIndex: number | null; hinted: boolean } | null;
  /** Ideas (ids) it voted for in the window. */
  ideaVotes: string[];
}

export interface VotingSnapshot {
  view: VotingView;
  voter: VoterState;
}

/** How long after closing a late vote (or IDEA/VOTE) still gets "closed" rather than falling through. */
export const LATE_VOTE_MS = 30 * 60_000;

/** Idea votes per phone per window. */
export const IDEA_VOTES_PER_WINDOW = 3;

/** Longest idea text (after IDEA). */
export const IDEA_MAX_CHARS = 280;

/** What a live vote, an idea or an idea vote changes (folded by changesOf into `voting`). */
export type VotingEvent =
  /** This phone's vote on the poll (a later vote replaces the earlier one). */
  | { type: 'poll_voted'; pollId: string; optionIndex: number }
  /** This phone got the "Reply 1, 2 or 3" hint for the poll (once). */
  | { type: 'poll_hinted'; pollId: string }
  /** A new idea for the window's queue (rejected at once by the word list, flagged, or pending). */
  | { type: 'idea_submitted'; windowId: string; campaignId: string; text: string; status: 'pending' | 'flagged' | 'rejected'; flag: string | null }
  /** A vote for an approved idea of the window. */
  | { type: 'idea_voted'; windowId: string; ideaId: string };

export type VotingHandledAs = 'poll_vote' | 'poll_hint' | 'poll_closed' | 'idea' | 'idea_vote' | 'ideas_closed';
