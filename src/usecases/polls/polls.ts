/**
 * The organizers' poll job, for the API and the console: create a poll on a campaign's sender
 * (its option words may not be keywords there, nor compliance or command words), open it, close
 * it, read its results. After opening or closing, the voting registry is reloaded (awaited: the
 * next text sees it) and the campaign's live screens are told.
 */
import type { Clock, IdGenerator } from '../../core/clock';
import { keywordCollisions, type PollSpec } from '../../core/polls';
import { AppError } from '../../shared/errors';
import type { PollRecord } from '../../store/polls/repository';
import type { Store } from '../../store/store';
import type { CampaignRegistry } from '../campaigns/registry';

export interface PollDeps {
  store: Pick<Store, 'polls' | 'campaigns'>;
  registry: Pick<CampaignRegistry, 'forSender' | 'refreshIfStale'>;
  voting: { reload(): Promise<void> };
  live: { notify(campaignId: string): void };
  clock: Clock;
  newId: IdGenerator;
}

export interface PollResults {
  id: string;
  campaignId: string;
  status: PollRecord['status'];
  question: string;
  results: { label: string; words: string[]; votes: number }[];
  total: number;
  openedAt: string | null;
  closedAt: string | null;
}

/** Counts as the screen and the API show them: every option, in order, with its votes. */
export function resultsOf(poll: PollRecord, counts: { optionIndex: number; votes: number }[]): PollResults {
  const byIndex = new Map(counts.map((c) => [c.optionIndex, c.votes]));
  const results = poll.options.map((o, i) => ({ label: o.label, words: o.words, votes: byIndex.get(i) ?? 0 }));
  return {
    id: poll.id, campaignId: poll.campaignId, status: poll.status, question: poll.question, results,
    total: results.reduce((n, r) => n + r.votes, 0), openedAt: poll.openedAt, closedAt: poll.closedAt,
  };
}

export class Polls {
  constructor(private readonly deps: PollDeps) {}

  async create(spec: PollSpec): Promise<PollRecord> {
    const { store, registry, clock, newId } = this.deps;
    const campaign = await store.campaigns.find(spec.campaignId);
    if (!campaign) throw new AppError('validation_failed', 'request body is invalid', [{ path: 'campaignId', message: `campaign ${spec.campaignId} not found` }]);
    // The registry loads on first use (the first text); a poll may come first.
    await registry.refreshIfStale(clock.now().getTime());
    const keywords = registry.forSender(campaign.sender)?.keywords;
    const problems = keywordCollisions(spec.options, (w) => keywords?.match(w) != null);
    if (problems.length > 0) throw new AppError('validation_failed', 'request body is invalid', problems);
    const id = newId();
    await store.polls.create({ id, campaignId: campaign.id, sender: campaign.sender, question: spec.question, options: spec.options, at: clock.now().toISOString() });
    return (await store.polls.find(id))!;
  }

  async get(id: string): Promise<PollResults> {
    const poll = await this.deps.store.polls.find(id);
    if (!poll) throw new AppError('not_found', `poll ${id} not found`);
    return resultsOf(poll, await this.deps.store.polls.counts(id));
  }

  async list(campaignId: string): Promise<PollRecord[]> {
    return this.deps.store.polls.listByCampaign(campaignId);
  }

  async open(id: string): Promise<PollResults> {
    const poll = await this.deps.store.polls.open(id, this.deps.clock.now().toISOString());
    await this.changed(poll.campaignId);
    return this.get(id);
  }

  async close(id: string): Promise<PollResults> {
    const poll = await this.deps.store.polls.close(id, this.deps.clock.now().toISOString());
    await this.changed(poll.campaignId);
    return this.get(id);
  }

  private async changed(campaignId: string): Promise<void> {
    await this.deps.voting.reload();
    this.deps.live.notify(campaignId);
  }
}
