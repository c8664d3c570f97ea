/**
 * What organizers set up for the inbox: canned responses (title + body with merge fields) and
 * each campaign's auto-reply to unclaimed texts (on by default; at most once per 24 h per number).
 * Saving an auto-reply reloads the campaigns, so the router uses it from the next text.
 */
import type { Lang } from '../../core/language';
import { parseTemplates } from '../../core/broadcast-languages';
import type { Clock, IdGenerator } from '../../core/clock';
import { autoReplyFor, DEFAULT_AUTO_REPLY, parseAutoReply, parseCanned, type AutoReplySetting } from '../../core/inbox';
import { AppError } from '../../shared/errors';
import type { CannedResponse } from '../../store/inbox/repository';
import type { Store } from '../../store/store';
import type { CampaignRegistry } from '../campaigns/registry';

export interface CannedView {
  id: string;
  title: string;
  body: string;
  /** The body per language (issue 16); null: `body` for everyone. */
  bodies: Partial<Record<Lang, string>> | null;
  createdAt: string;
}

export interface AutoReplyView extends AutoReplySetting {
  campaignId: string;
  /** The text as it would go out now (null: off). */
  preview: string | null;
  defaultText: string;
}

export interface InboxSettingsDeps {
  store: Pick<Store, 'inbox' | 'campaigns'>;
  registry: Pick<CampaignRegistry, 'campaign' | 'reload'>;
  clock: Clock;
  newId: IdGenerator;
}

const view = (c: CannedResponse): CannedView => ({ id: c.id, title: c.title, body: c.body, bodies: parseTemplates(c.bodies), createdAt: c.created_at });

export class InboxSettings {
  constructor(private readonly d: InboxSettingsDeps) {}

  async canned(): Promise<CannedView[]> {
    return (await this.d.store.inbox.cannedList()).map(view);
  }

  async createCanned(input: unknown): Promise<CannedView> {
    const p = parseCanned(input);
    if (!p.ok) throw new AppError('validation_failed', 'invalid canned response', p.problems);
    const { title, body, bodies } = p.value;
    const row = { id: this.d.newId(), title, body, bodies: bodies ? JSON.stringify(bodies) : null };
    return view(await this.d.store.inbox.cannedCreate(row, this.d.clock.now().toISOString()));
  }

  async deleteCanned(id: string): Promise<void> {
    if (!(await this.d.store.inbox.cannedDelete(id))) throw new AppError('not_found', `no canned response ${id}`);
  }

  async autoReply(campaignId: string): Promise<AutoReplyView> {
    if (!(await this.d.store.campaigns.find(campaignId))) throw new AppError('not_found', `campaign ${campaignId} not found`);
    const s = (await this.d.store.inbox.autoReply(campaignId)) ?? { enabled: true, text: null };
    const runtime = this.d.registry.campaign(campaignId);
    return {
      campaignId, ...s, defaultText: DEFAULT_AUTO_REPLY,
      preview: runtime ? autoReplyFor({ ...runtime, autoReply: s }) : null,
    };
  }

  async setAutoReply(campaignId: string, input: unknown): Promise<AutoReplyView> {
    const p = parseAutoReply(input);
    if (!p.ok) throw new AppError('validation_failed', 'invalid auto-reply', p.problems);
    if (!(await this.d.store.campaigns.find(campaignId))) throw new AppError('not_found', `campaign ${campaignId} not found`);
    await this.d.store.inbox.setAutoReply(campaignId, p.value, this.d.clock.now().toISOString());
    await this.d.registry.reload();
    return this.autoReply(campaignId);
  }
}
