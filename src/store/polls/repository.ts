/**
 * Live polls and the ideas window as use cases see them (both engines: ./shared.ts). The inbound
 * text's part (a phone's earlier votes, and writing its vote) runs inside the text's own
 * transaction: ./inbound.ts. Nothing a live screen reads here carries a phone number or a name.
 */
import type { IdeaStatus } from '../../core/ideas';
import type { PollOption } from '../../core/voting';

export type PollStatus = 'draft' | 'open' | 'closed';

export interface PollRecord {
  id: string;
  campaignId: string;
  sender: string;
  question: string;
  options: PollOption[];
  status: PollStatus;
  createdAt: string;
  openedAt: string | null;
  closedAt: string | null;
}

export interface NewPoll {
  id: string;
  campaignId: string;
  sender: string;
  question: string;
  options: PollOption[];
  at: string;
}

/** Votes per option (options nobody voted for are absent). */
export interface OptionCount {
  optionIndex: number;
  votes: number;
}

/** What the in-memory voting registry loads: what is live (or closed since `cutoff`) on every sender. */
export interface LiveVotingRows {
  polls: PollRecord[];
  windows: { id: string; campaignId: string; sender: string; closedAt: string | null }[];
  /** Numbered ideas of those windows (approved, or merged into another: their number votes for it). */
  ideas: { windowId: string; id: string; number: number; status: IdeaStatus; mergedInto: string | null }[];
}

/** One vote for the organizers' CSV (phone masked for volunteers by the use case). */
export interface PollVoteRow {
  phone: string;
  optionIndex: number;
  votedAt: string;
}

export interface PollsRepository {
  create(poll: NewPoll): Promise<void>;
  find(id: string): Promise<PollRecord | undefined>;
  listByCampaign(campaignId: string): Promise<PollRecord[]>;
  /** Opens a draft or closed poll; conflict when another poll is open on its sender. */
  open(id: string, at: string): Promise<PollRecord>;
  close(id: string, at: string): Promise<PollRecord>;
  counts(pollId: string): Promise<OptionCount[]>;
  /** The poll a campaign's screen shows: the open one, else the one closed last since `since`. */
  shown(campaignId: string, since: string): Promise<PollRecord | undefined>;
  liveVoting(cutoff: string): Promise<LiveVotingRows>;
  votes(pollId: string): Promise<PollVoteRow[]>;
  /** Contact ids whose current vote in one of the campaign's polls is an option with this word. */
  votersFor(campaignId: string, pollId: string | null, optionIndex: number | null): Promise<string[]>;
}

export interface IdeaWindow {
  id: string;
  campaignId: string;
  sender: string;
  openedAt: string;
  closedAt: string | null;
}

export interface IdeaRecord {
  id: string;
  campaignId: string;
  windowId: string;
  number: number | null;
  text: string;
  originalText: string;
  status: IdeaStatus;
  flag: string | null;
  mergedInto: string | null;
  createdAt: string;
  votes: number;
}

export interface IdeaVoteRow {
  phone: string;
  ideaId: string;
  number: number | null;
  votedAt: string;
}

export interface IdeasRepository {
  /** The campaign's open window, else a new one with this id. */
  openWindow(w: { id: string; campaignId: string; sender: string; at: string }): Promise<IdeaWindow>;
  /** Closes the open window; false when none was open. */
  closeWindow(campaignId: string, at: string): Promise<boolean>;
  latestWindow(campaignId: string): Promise<IdeaWindow | undefined>;
  /** Every idea of the campaign, newest window first, then by number, then as they came. */
  list(campaignId: string): Promise<IdeaRecord[]>;
  find(id: string): Promise<IdeaRecord | undefined>;
  /** Approves an idea, giving it the campaign's next number if it has none. */
  approve(id: string, at: string): Promise<IdeaRecord>;
  reject(id: string, at: string): Promise<IdeaRecord>;
  /** Fixes the text (typos); the text as sent stays in originalText. */
  edit(id: string, text: string, at: string): Promise<IdeaRecord>;
  /** A duplicate goes into `intoId`: its votes move there (a phone that voted for both counts once). */
  merge(id: string, intoId: string, at: string): Promise<IdeaRecord>;
  /** Approved ideas of a window, most votes first. */
  top(windowId: string, limit: number): Promise<IdeaRecord[]>;
  votes(campaignId: string): Promise<IdeaVoteRow[]>;
}
