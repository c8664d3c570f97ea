/**
 * In-memory view of active campaigns by sender, so the inbound hot path never queries campaign
 * tables. Reloaded after every change made through this process, and (for changes made by another
 * process on the same database) when the stored campaigns version moves, checked at most once a second.
 * It also keeps what each campaign's follow-up sequences are timed from (saving a sequence moves
 * the version too), so a JOIN, a pledge or a completion skips the sequences lookup when none applies.
 */
import type { Logger } from 'pino';
import type { CampaignRuntime } from '../../core/campaign';
import { KeywordIndex } from '../../core/keywords';
import type { Store } from '../../store/store';
import { loadRuntimeCampaigns } from './runtime';

export interface SenderView {
  sender: string;
  /** The campaign that answers HELP/STOP/unknown words on this sender: the oldest active one. */
  speaker: CampaignRuntime;
  keywords: KeywordIndex;
}

const NONE: ReadonlySet<string> = new Set();

export class CampaignRegistry {
  private bySender = new Map<string, SenderView>();
  private byId = new Map<string, CampaignRuntime>();
  private followUps = new Map<string, Set<string>>();
  private version = '';
  private loaded = false;
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    /** Loading waits for this first (the demo seed: on an engine with round trips it commits later). */
    private readonly startAfter: Promise<unknown> | null = null,
  ) {}

  /**
   * Reads the campaigns again (after a change made through this process). A failure is logged
   * and the previous view kept: callers that change campaigns need not wait for it.
   */
  reload(): Promise<void> {
    const run = this.load()
      .catch((err: unknown) => {
        this.logger.error({ err: (err as Error).message }, 'campaign registry: reload failed, previous campaigns kept');
      })
      .finally(() => {
        if (this.reloading === run) this.reloading = null;
      });
    this.reloading = run;
    return run;
  }

  /** A reload in flight: texts wait for it, so a change made through this process is seen by the next text. */
  private reloading: Promise<void> | null = null;

  private async load(): Promise<void> {
    if (this.startAfter) await this.startAfter.catch(() => undefined);
    const version = await this.store.campaigns.version();
    const campaigns = await loadRuntimeCampaigns(this.store, this.logger);
    const followUps = await this.store.sequences.activeTriggers();
    const grouped = new Map<string, CampaignRuntime[]>();
    for (const c of campaigns) grouped.set(c.sender, [...(grouped.get(c.sender) ?? []), c]);
    this.bySender = new Map(
      [...grouped].map(([sender, list]) => [sender, { sender, speaker: list[0]!, keywords: new KeywordIndex(list) }]),
    );
    this.byId = new Map(campaigns.map((c) => [c.id, c]));
    this.followUps = followUps;
    this.version = version;
    this.loaded = true;
  }

  /**
   * Loads on first use, then reloads if another process changed campaigns. Cheap enough to call
   * per text: nothing to await unless a check is due (a database failure is thrown to the caller).
   */
  refreshIfStale(nowMs: number): Promise<void> | undefined {
    if (this.reloading) return this.reloading;
    if (this.loaded && nowMs - this.checkedAt < 1000) return undefined;
    this.checkedAt = nowMs;
    return this.checkVersion();
  }

  private async checkVersion(): Promise<void> {
    if (!this.loaded || (await this.store.campaigns.version()) !== this.version) await this.load();
  }

  forSender(sender: string): SenderView | undefined {
    return this.bySender.get(sender);
  }

  campaign(id: string): CampaignRuntime | undefined {
    return this.byId.get(id);
  }

  /**
   * What an active campaign's sequences are timed from ('joined', 'completed', 'pledged',
   * `date:<field>`; empty: none). Undefined for a campaign not in this view: look it up then.
   */
  followUpTriggers(campaignId: string): ReadonlySet<string> | undefined {
    if (!this.byId.has(campaignId)) return undefined;
    return this.followUps.get(campaignId) ?? NONE;
  }

  all(): CampaignRuntime[] {
    return [...this.byId.values()];
  }
}
