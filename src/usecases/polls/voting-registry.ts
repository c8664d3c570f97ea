/**
 * The live voting on each sender, in memory, so the inbound hot path knows without a query
 * whether a text may be a vote: the open poll (or the one closed a moment ago, for "Voting has
 * closed"), the ideas window and its numbered ideas. Reloaded after every change made through
 * this process (awaited by the API before it answers, so the next text sees it), and once a
 * second when texts arrive, for changes made by another process on the same database.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import { primaryKeyword } from '../../core/campaign';
import { LATE_VOTE_MS, type IdeasView, type PollView, type VotingView } from '../../core/voting';
import type { VotingScope } from '../../store/polls/inbound';
import type { PollRecord } from '../../store/polls/repository';
import type { Store } from '../../store/store';
import type { CampaignRegistry } from '../campaigns/registry';

interface SenderEntry {
  poll: PollRecord | null;
  window: { id: string; campaignId: string; closedAt: string | null } | null;
  byNumber: Map<number, string>;
}

export interface LiveVoting {
  view: VotingView;
  scope: VotingScope;
}

export class VotingRegistry {
  private bySender = new Map<string, SenderEntry>();
  private checkedAt = Number.NEGATIVE_INFINITY;
  private reloading: Promise<void> | null = null;

  constructor(
    private readonly store: Pick<Store, 'polls'>,
    private readonly campaigns: Pick<CampaignRegistry, 'campaign'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Reads what is live again; a failure is logged and the previous view kept. */
  reload(): Promise<void> {
    const run = this.load()
      .catch((err: unknown) => this.logger.error({ err: (err as Error).message }, 'voting registry: reload failed, previous view kept'))
      .finally(() => {
        if (this.reloading === run) this.reloading = null;
      });
    this.reloading = run;
    return run;
  }

  private async load(): Promise<void> {
    const now = this.clock.now().getTime();
    this.checkedAt = now;
    const rows = await this.store.polls.liveVoting(new Date(now - LATE_VOTE_MS).toISOString());
    const next = new Map<string, SenderEntry>();
    const entry = (sender: string) => {
      let e = next.get(sender);
      if (!e) next.set(sender, (e = { poll: null, window: null, byNumber: new Map() }));
      return e;
    };
    // Oldest first: an open poll, or the latest closed one, is what stays.
    for (const p of rows.polls) {
      const e = entry(p.sender);
      if (!e.poll || e.poll.status !== 'open' || p.status === 'open') e.poll = p;
    }
    const windowSender = new Map<string, string>();
    for (const w of rows.windows) {
      const e = entry(w.sender);
      if (!e.window || e.window.closedAt !== null) e.window = { id: w.id, campaignId: w.campaignId, closedAt: w.closedAt };
      windowSender.set(w.id, w.sender);
    }
    for (const i of rows.ideas) {
      const e = next.get(windowSender.get(i.windowId) ?? '');
      if (!e || e.window?.id !== i.windowId) continue;
      e.byNumber.set(i.number, i.status === 'merged' && i.mergedInto ? i.mergedInto : i.id);
    }
    this.bySender = next;
  }

  /** Once a second while texts arrive (changes from another process); nothing to await otherwise. */
  refreshIfStale(nowMs: number): Promise<void> | undefined {
    if (this.reloading) return this.reloading;
    if (nowMs - this.checkedAt < 1000) return undefined;
    return this.reload();
  }

  /** What may be a vote on `sender` now; null when nothing is live there (the common case). */
  forSender(sender: string, nowMs: number): LiveVoting | null {
    const e = this.bySender.get(sender);
    if (!e) return null;
    const cutoff = new Date(nowMs - LATE_VOTE_MS).toISOString();
    const poll = e.poll && (e.poll.status === 'open' || (e.poll.closedAt ?? '') >= cutoff) ? this.pollView(e.poll) : null;
    const w = e.window && (e.window.closedAt === null || e.window.closedAt >= cutoff) ? e.window : null;
    const ideas: IdeasView | null = w ? { windowId: w.id, campaignId: w.campaignId, open: w.closedAt === null, byNumber: e.byNumber } : null;
    if (!poll && !ideas) return null;
    return {
      view: { poll, ideas },
      scope: { pollId: poll?.open ? poll.id : null, windowId: ideas?.open ? ideas.windowId : null },
    };
  }

  private pollView(p: PollRecord): PollView {
    const c = this.campaigns.campaign(p.campaignId);
    return {
      id: p.id, campaignId: p.campaignId, question: p.question, options: p.options, open: p.status === 'open',
      joinWord: c ? primaryKeyword(c) : '', programName: c?.programName ?? '',
    };
  }
}
