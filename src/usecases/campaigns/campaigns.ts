/**
 * The organizers' campaign job, for the API and the console alike: list, read, create, replace,
 * set the goal, deactivate. After a change the in-memory keyword index is reloaded and live
 * screens are told, so the next text and the next screen update see it.
 */
import type { Logger } from 'pino';
import type { CampaignSpec } from '../../core/campaign';
import type { Clock, IdGenerator } from '../../core/clock';
import { AppError } from '../../shared/errors';
import type { CampaignCounts, CampaignView } from '../../store/campaigns/repository';
import type { Store } from '../../store/store';

export type { CampaignCounts, CampaignView };

export const MAX_GOAL_CENTS = 1_000_000_000;

export interface CampaignDeps {
  store: Store;
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
  /** The router's campaign index, reloaded after every change. */
  registry: { reload(): void };
  /** Live screens, told when a campaign's numbers (its goal) may have changed. */
  live: { notify(campaignId: string): void };
}

/** Where a change came from, for the log. */
export type Via = 'api' | 'console';

export class CampaignService {
  constructor(private readonly deps: CampaignDeps) {}

  list(includeInactive = false): Promise<CampaignView[]> {
    return this.deps.store.campaigns.list(includeInactive);
  }

  async get(id: string): Promise<CampaignView> {
    const c = await this.deps.store.campaigns.find(id);
    if (!c) throw new AppError('not_found', `campaign ${id} not found`);
    return c;
  }

  counts(): Promise<Map<string, CampaignCounts>> {
    return this.deps.store.campaigns.counts();
  }

  async create(spec: CampaignSpec, goalCents: number, via: Via): Promise<CampaignView> {
    const { store, newId, clock, logger } = this.deps;
    const created = await store.campaigns.create({ id: newId(), spec, goalCents, now: clock.now() });
    this.changed(created.id);
    logger.info({ campaignId: created.id, sender: created.sender, via }, 'campaign created');
    return created;
  }

  /** Replaces the campaign's spec, and its goal when given (the console's editor saves both). */
  async update(id: string, spec: CampaignSpec, via: Via, goalCents?: number): Promise<CampaignView> {
    const updated = await this.deps.store.campaigns.update(id, spec, this.deps.clock.now(), goalCents);
    this.changed(updated.id);
    this.deps.logger.info({ campaignId: updated.id, sender: updated.sender, via }, 'campaign updated');
    return updated;
  }

  async setGoal(id: string, goalCents: number): Promise<CampaignView> {
    const updated = await this.deps.store.campaigns.setGoal(id, goalCents, this.deps.clock.now());
    this.deps.live.notify(updated.id);
    return updated;
  }

  /** The campaign stops answering and its keywords are free for reuse. Data is kept. */
  async deactivate(id: string, via: Via): Promise<CampaignView> {
    const c = await this.deps.store.campaigns.deactivate(id, this.deps.clock.now());
    this.changed(c.id);
    this.deps.logger.info({ campaignId: c.id, via }, 'campaign deactivated');
    return c;
  }

  private changed(campaignId: string): void {
    this.deps.registry.reload();
    this.deps.live.notify(campaignId);
  }
}
