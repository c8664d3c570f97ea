/**
 * The inbound text, end to end once an adapter has verified and decoded it: normalize the phones,
 * find the campaign for our sender, apply the flood guard, and have the store record the text
 * with the pure router deciding inside its transaction; then tell the live screens (and the inbox's
 * live stream when the text became a thread message).
 * Returns the replies to give back (already through the opt-out gate).
 */
import type { Logger } from 'pino';
import type { Clock, IdGenerator } from '../../core/clock';
import type { FloodCheck } from '../../core/flood';
import { decideInbound } from '../../core/inbound';
import { normalizeSender, toE164 } from '../../core/phone';
import { maskPhone } from '../../shared/logger';
import type { InboundHandling, InboundResult, ReceivedText } from '../../store/inbound/repository';
import type { Store } from '../../store/store';
import type { CampaignRegistry } from '../campaigns/registry';
import type { InboxEvents } from '../inbox/events';
import { sequenceFlowSchema } from '../../core/sequences';
import { BroadcastFlows } from './broadcast-flows';
import type { VotingRegistry } from '../polls/voting-registry';

export type { InboundHandling, InboundResult };

/** One text as received: the same fields the store takes, phones still as the provider gave them. */
export type IncomingText = ReceivedText;

export interface InboundDeps {
  store: Pick<Store, 'inbound'>;
  registry: CampaignRegistry;
  /** Live polls and ideas windows by sender, in memory (absent: no live voting). */
  voting?: Pick<VotingRegistry, 'refreshIfStale' | 'forSender'>;
  /** In memory (SQLite), or shared by every process on the database (PostgreSQL: one statement). */
  flood: FloodCheck;
  /** Live rally screens, told after each committed text (O(1), no query). */
  live: { notify(campaignId: string | null): void };
  /** The inbox's live stream, told when a text became a thread message (O(listeners), no query). */
  inbox?: Pick<InboxEvents, 'publish'>;
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
  /** Local mode logs every reply at info level (nothing reaches a phone). */
  localMode: boolean;
  perNumberPerMinute: number;
  /** Where tracked links point (PUBLIC_BASE_URL): a campaign's {{donation_link}} is <linkBase>/l/<code>. */
  linkBase?: string;
}

export interface InboundAnswer {
  replies: string[];
  /** null when the text was ignored before reaching the store (not a phone, no campaign). */
  result: InboundResult | null;
}

export class InboundTexts {
  private readonly broadcastFlows = new BroadcastFlows();
  /** Flows of sequence steps that asked, by conversation (each stores the flow as it was sent). */
  private readonly sequenceFlows = new BroadcastFlows(sequenceFlowSchema);
  /** What a campaign's sequences are timed from (made once: no closure per text). */
  private readonly followUps = (campaignId: string) => this.deps.registry.followUpTriggers(campaignId);

  constructor(private readonly deps: InboundDeps) {}

  async receive(msg: IncomingText): Promise<InboundAnswer> {
    const { registry, logger } = this.deps;
    const from = toE164(msg.from);
    if (!from) {
      logger.warn({ messageSid: msg.messageSid, from: msg.from.slice(0, 20) }, 'inbound from a non-phone sender ignored');
      return { replies: [], result: null };
    }
    const to = normalizeSender(msg.to);
    const now = this.deps.clock.now();
    // Awaited only when a check is due (once a second): no extra hop for every other text.
    const refreshing = registry.refreshIfStale(now.getTime());
    if (refreshing) await refreshing;
    const view = to ? registry.forSender(to) : undefined;
    if (!to || !view) {
      logger.warn({ messageSid: msg.messageSid, to: msg.to.slice(0, 20) }, 'inbound to a number with no active campaign');
      return { replies: [], result: null };
    }
    const votingRefresh = this.deps.voting?.refreshIfStale(now.getTime());
    if (votingRefresh) await votingRefresh;
    const live = this.deps.voting?.forSender(to, now.getTime()) ?? null;
    const taken = this.deps.flood.take(from, now.getTime());
    // The in-memory guard answers at once: no extra hop unless the buckets are in the database.
    const flood = taken instanceof Promise ? await taken : taken;
    if (flood.floodStarted) {
      logger.warn(
        { from: maskPhone(from), to, perMinute: this.deps.perNumberPerMinute },
        'number over its inbound limit: further texts are recorded but not answered (STOP/START/HELP still honoured)',
      );
    }
    const newId = this.deps.newId;
    const result = await this.deps.store.inbound.handle(
      { messageSid: msg.messageSid, from, to, body: msg.body, numMedia: msg.numMedia, optOutType: msg.optOutType, fromState: msg.fromState },
      (snapshot) =>
        decideInbound({
          text: msg.body,
          now,
          senderCampaign: view.speaker,
          keywords: view.keywords,
          contact: snapshot.contact,
          conversation: snapshot.conversation,
          conversationCampaign: snapshot.conversation ? (registry.campaign(snapshot.conversation.campaignId) ?? null) : null,
          broadcastFlow:
            snapshot.conversation?.broadcastId && snapshot.broadcastFlow
              ? this.broadcastFlows.get(snapshot.conversation.broadcastId, snapshot.broadcastFlow)
              : snapshot.conversation?.sequenceId && snapshot.broadcastFlow
                ? this.sequenceFlows.get(snapshot.conversation.id, snapshot.broadcastFlow)
                : null,
          optOutType: msg.optOutType,
          throttled: !flood.allowed,
          voting: live && snapshot.voter ? { view: live.view, voter: snapshot.voter } : null,
          newId,
          linkBase: this.deps.linkBase,
        }),
      { now, newId, voting: live?.scope ?? null, followUps: this.followUps },
    );
    this.deps.live.notify(result.campaignId);
    if (result.inbox) this.deps.inbox?.publish({ contactId: result.contactId, assignee: result.inbox.assignee, reason: 'text' });
    if (this.deps.localMode || logger.isLevelEnabled('debug')) {
      const level = this.deps.localMode ? 'info' : 'debug';
      logger[level](
        { from: maskPhone(from), to, handledAs: result.handledAs, replies: result.replies, suppressed: result.suppressed },
        this.deps.localMode ? 'local mode: reply recorded in outbox' : 'inbound handled',
      );
    }
    return { replies: result.replies, result };
  }
}
