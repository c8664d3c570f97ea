/**
 * In-memory view of active campaigns by sender, so the inbound hot path never queries campaign
 * tables. Reloaded after every change made through this process, and (for changes made by another
 * process on the same database) when the stored campaigns_version moves, checked at most once a second.
 */
import type { Logger } from 'pino';
import type { CampaignRuntime } from '../core/campaign';
import { KeywordIndex } from '../core/keywords';
import { campaignsVersion, loadRuntimeCampaigns } from './campaigns';
import type { SqliteDb } from './sqlite/db';

export interface SenderView {
  sender: string;
  /** The campaign that answers HELP/STOP/unknown words on this sender: the oldest active one. */
  speaker: CampaignRuntime;
  keywords: KeywordIndex;
}

export class CampaignRegistry {
  private bySender = new Map<string, SenderView>();
  private byId = new Map<string, CampaignRuntime>();
  private version = '';
  private checkedAt = 0;

  constructor(
    private readonly store: SqliteDb,
    private readonly logger: Logger,
  ) {
    this.reload();
  }

  reload(): void {
    this.version = campaignsVersion(this.store);
    const campaigns = loadRuntimeCampaigns(this.store, this.logger);
    const grouped = new Map<string, CampaignRuntime[]>();
    for (const c of campaigns) grouped.set(c.sender, [...(grouped.get(c.sender) ?? []), c]);
    this.bySender = new Map(
      [...grouped].map(([sender, list]) => [sender, { sender, speaker: list[0]!, keywords: new KeywordIndex(list) }]),
    );
    this.byId = new Map(campaigns.map((c) => [c.id, c]));
  }

  /** Reload if another process changed campaigns; cheap enough to call per request. */
  refreshIfStale(nowMs: number): void {
    if (nowMs - this.checkedAt < 1000) return;
    this.checkedAt = nowMs;
    if (campaignsVersion(this.store) !== this.version) this.reload();
  }

  forSender(sender: string): SenderView | undefined {
    return this.bySender.get(sender);
  }

  campaign(id: string): CampaignRuntime | undefined {
    return this.byId.get(id);
  }

  all(): CampaignRuntime[] {
    return [...this.byId.values()];
  }
}
