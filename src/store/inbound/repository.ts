/**
 * The inbound text's persistence as use cases see it: one unit of work per text, which loads the
 * snapshot, lets the caller's pure decision run inside its transaction, and applies the events.
 */
import type { IdGenerator } from '../../core/clock';
import type { ContactSnapshot, ConversationSnapshot } from '../../core/inbound';
import type { HandledAs, InboundOutcome } from '../../core/inbound-events';
import type { VoterState } from '../../core/voting';
import type { VotingScope } from '../polls/inbound';

/** One decoded text, phones already normalized. */
export interface ReceivedText {
  messageSid: string;
  /** E.164 phone of the person texting. */
  from: string;
  /** Our sender, normalized: "62262" or "+13125550100". */
  to: string;
  body: string;
  numMedia: number;
  optOutType: 'STOP' | 'START' | 'HELP' | null;
  fromState: string | null;
}

/** What the router sees of the database for one text. */
export interface InboundSnapshot {
  contact: ContactSnapshot;
  /** The contact's waiting conversation on this sender, if any. */
  conversation: ConversationSnapshot | null;
  /** When a broadcast (or a sequence's step that asks) opened the waiting conversation: its flow, as stored (JSON). */
  broadcastFlow: string | null;
  /** The phone's earlier votes in the live poll / ideas window (null: nothing live on the sender). */
  voter: VoterState | null;
}

/** What became of a text: the router's decision (including 'throttled'), or a replay. */
export type InboundHandling = HandledAs | 'duplicate';

export interface InboundResult {
  duplicate: boolean;
  contactId: string;
  handledAs: InboundHandling;
  /** The campaign the text was about (null for a replay, which changed nothing). */
  campaignId: string | null;
  /** Reply bodies to put in the TwiML response (already through the opt-out gate). */
  replies: string[];
  suppressed: number;
  /** The text became an inbox item (a thread message): the thread's assignee, for live updates. */
  inbox: { assignee: string | null } | null;
}

/** How one text is run: its clock, ids, the live voting scope, and what sequences could be scheduled. */
export interface InboundRun {
  now: Date;
  newId: IdGenerator;
  voting?: VotingScope | null;
  /**
   * What a campaign's active sequences are timed from (src/usecases/campaigns/registry.ts): a
   * trigger not in the set skips its lookup. Absent, or undefined for a campaign: looked up.
   */
  followUps?: ((campaignId: string) => ReadonlySet<string> | undefined) | null;
}

export interface InboundRepository {
  /**
   * Records one text in one transaction: dedupe on MessageSid (a replay returns the replies
   * stored the first time and changes nothing), load the snapshot, `decide`, apply its events,
   * queue its replies through the outbox. Resolves once committed.
   */
  handle(
    text: ReceivedText, decide: (snapshot: InboundSnapshot) => InboundOutcome, run: InboundRun,
  ): Promise<InboundResult>;
}
