/**
 * The organizers' ideas job: open and close a campaign's ideas window, the moderation queue
 * (approve, reject, merge a duplicate, edit a typo keeping the text as sent), and the approved
 * list the public page shows. Every change reloads the voting registry (an approved idea's number
 * becomes votable at once) and tells the campaign's live screens.
 */
import type { Clock, IdGenerator } from '../../core/clock';
import { charCount } from '../../core/ideas';
import { IDEA_MAX_CHARS } from '../../core/voting';
import { cleanText } from '../../core/text';
import { AppError } from '../../shared/errors';
import type { IdeaRecord, IdeaWindow } from '../../store/polls/repository';

export type { IdeaRecord, IdeaWindow };
import type { Store } from '../../store/store';

export interface IdeaDeps {
  store: Pick<Store, 'ideas' | 'campaigns'>;
  voting: { reload(): Promise<void> };
  live: { notify(campaignId: string): void };
  clock: Clock;
  newId: IdGenerator;
}

export type IdeaAction = 'approve' | 'reject';

export class Ideas {
  constructor(private readonly deps: IdeaDeps) {}

  private async campaign(id: string) {
    const c = await this.deps.store.campaigns.find(id);
    if (!c) throw new AppError('not_found', `campaign ${id} not found`);
    return c;
  }

  async open(campaignId: string): Promise<IdeaWindow> {
    const c = await this.campaign(campaignId);
    const w = await this.deps.store.ideas.openWindow({ id: this.deps.newId(), campaignId, sender: c.sender, at: this.deps.clock.now().toISOString() });
    await this.changed(campaignId);
    return w;
  }

  async close(campaignId: string): Promise<IdeaWindow | undefined> {
    await this.campaign(campaignId);
    await this.deps.store.ideas.closeWindow(campaignId, this.deps.clock.now().toISOString());
    await this.changed(campaignId);
    return this.deps.store.ideas.latestWindow(campaignId);
  }

  async window(campaignId: string): Promise<IdeaWindow | undefined> {
    return this.deps.store.ideas.latestWindow(campaignId);
  }

  /** The public ideas page: the latest window and its approved ideas, most votes first (at most `limit`). */
  async board(campaignId: string, limit: number): Promise<{ window: IdeaWindow | undefined; ideas: IdeaRecord[] }> {
    const window = await this.deps.store.ideas.latestWindow(campaignId);
    return { window, ideas: window ? await this.deps.store.ideas.top(window.id, limit) : [] };
  }

  async list(campaignId: string): Promise<IdeaRecord[]> {
    await this.campaign(campaignId);
    return this.deps.store.ideas.list(campaignId);
  }

  async find(id: string): Promise<IdeaRecord> {
    const idea = await this.deps.store.ideas.find(id);
    if (!idea) throw new AppError('not_found', `idea ${id} not found`);
    return idea;
  }

  async act(id: string, action: IdeaAction): Promise<IdeaRecord> {
    const at = this.deps.clock.now().toISOString();
    const idea = action === 'approve' ? await this.deps.store.ideas.approve(id, at) : await this.deps.store.ideas.reject(id, at);
    await this.changed(idea.campaignId);
    return idea;
  }

  async edit(id: string, text: string): Promise<IdeaRecord> {
    const clean = cleanText(text).trim();
    if (clean === '' || charCount(clean) > IDEA_MAX_CHARS) {
      throw new AppError('validation_failed', 'request body is invalid', [{ path: 'text', message: `must be 1-${IDEA_MAX_CHARS} characters` }]);
    }
    const idea = await this.deps.store.ideas.edit(id, clean, this.deps.clock.now().toISOString());
    await this.changed(idea.campaignId);
    return idea;
  }

  async merge(id: string, into: string): Promise<IdeaRecord> {
    const idea = await this.deps.store.ideas.merge(id, into, this.deps.clock.now().toISOString());
    await this.changed(idea.campaignId);
    return idea;
  }

  private async changed(campaignId: string): Promise<void> {
    await this.deps.voting.reload();
    this.deps.live.notify(campaignId);
  }
}
