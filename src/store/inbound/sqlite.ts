/**
 * The inbound hot path: one webhook, one short synchronous run of prepared statements (its own
 * transaction, or its own savepoint of a group commit when answering a webhook).
 * Dedupe on MessageSid → contact → open conversation → decide (pure core) → write the contact
 * (inserted on its first text, already decided), inbound row, conversation, consent events,
 * pledge, membership and replies. A replayed MessageSid returns the replies stored the first time
 * and changes nothing.
 */
import type { IdGenerator } from '../../core/clock';
import type { ContactStatus } from '../../core/compliance';
import type { Captured } from '../../core/engine';
import { decideInbound, type ConversationSnapshot, type HandledAs, type InboundDecision } from '../../core/inbound';
import type { CampaignRegistry, SenderView } from '../campaign-registry';
import type { SqliteDb } from '../sqlite/db';
import { enqueueOutbound } from '../outbox';

export interface InboundText {
  messageSid: string;
  /** E.164 phone of the person texting. */
  from: string;
  /** Our sender as Twilio reports it: "62262" or "+13125550100". */
  to: string;
  body: string;
  numMedia: number;
  optOutType: 'STOP' | 'START' | 'HELP' | null;
  fromState: string | null;
  /** Over the per-number flood limit (see core/flood.ts): recorded; only compliance is acted on. */
  throttled?: boolean;
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
}

export const INBOUND_SQL = {
  findInbound: 'SELECT id, contact_id FROM inbound_messages WHERE message_sid = ?',
  replies: "SELECT body FROM outbound_messages WHERE inbound_id = ? AND status = 'twiml' ORDER BY position",
  findContact: 'SELECT id, status, first_name, zip, email, fields FROM contacts WHERE phone = ?',
  insertContact:
    'INSERT INTO contacts (id, phone, status, first_name, zip, email, fields, from_state, opted_out_at, created_at, updated_at) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  touchContact: 'UPDATE contacts SET updated_at = ? WHERE id = ?',
  waiting:
    "SELECT id, campaign_id, keyword, step_index, attempts, data, expires_at FROM conversations WHERE contact_id = ? AND sender = ? AND status = 'waiting'",
  insertInbound:
    'INSERT INTO inbound_messages (id, message_sid, contact_id, campaign_id, sender, body, num_media, handled_as, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  updateContact:
    'UPDATE contacts SET status = ?, first_name = coalesce(?, first_name), zip = coalesce(?, zip), email = coalesce(?, email), ' +
    "fields = ?, opted_out_at = CASE WHEN ? = 'opted_out' THEN coalesce(opted_out_at, ?) ELSE NULL END, updated_at = ? WHERE id = ?",
  closeConversation: 'UPDATE conversations SET status = ?, ended_at = ?, updated_at = ? WHERE id = ?',
  insertConversation:
    'INSERT INTO conversations (id, contact_id, campaign_id, sender, keyword, status, step_index, attempts, data, started_at, updated_at, expires_at, ended_at) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  updateConversation:
    'UPDATE conversations SET status = ?, step_index = ?, attempts = ?, data = ?, updated_at = ?, expires_at = ?, ended_at = ? WHERE id = ?',
  insertConsent:
    'INSERT INTO consent_events (id, contact_id, phone, sender, campaign_id, kind, via, keyword, message_sid, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  insertPledge:
    'INSERT INTO pledges (id, contact_id, campaign_id, amount_cents, frequency, message_sid, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  upsertMember:
    'INSERT INTO campaign_members (campaign_id, contact_id, keyword, joined_at, completed_at) VALUES (?, ?, ?, ?, ?) ' +
    'ON CONFLICT (campaign_id, contact_id) DO UPDATE SET completed_at = coalesce(campaign_members.completed_at, excluded.completed_at)',
} as const;

interface ContactRow {
  id: string;
  status: ContactStatus;
  first_name: string | null;
  zip: string | null;
  email: string | null;
  fields: string;
}

interface ConversationRow {
  id: string;
  campaign_id: string;
  keyword: string;
  step_index: number;
  attempts: number;
  data: string;
  expires_at: string;
}

export class InboundStore {
  constructor(
    private readonly store: SqliteDb,
    private readonly registry: CampaignRegistry,
    private readonly newId: IdGenerator,
  ) {}

  /** The campaign view for a sender, or undefined when no active campaign uses it. */
  senderView(to: string): SenderView | undefined {
    return this.registry.forSender(to);
  }

  /** Handles one text in its own transaction (tools, tests, anything not answering a webhook). */
  handle(msg: InboundText, view: SenderView, now: Date): InboundResult {
    return this.store.tx(() => this.handleInTx(msg, view, now));
  }

  /**
   * The webhook path: the same writes, run now in a savepoint of the shared group-commit
   * transaction; resolves once committed, so the TwiML answer never outruns the database.
   */
  handleBatched(msg: InboundText, view: SenderView, now: Date): Promise<InboundResult> {
    return this.store.batched(() => this.handleInTx(msg, view, now));
  }

  private handleInTx(msg: InboundText, view: SenderView, now: Date): InboundResult {
    const s = this.store;
    const at = now.toISOString();
    const seen = s.prepare(INBOUND_SQL.findInbound).get(msg.messageSid) as { id: string; contact_id: string } | undefined;
    if (seen) {
      const replies = (s.prepare(INBOUND_SQL.replies).all(seen.id) as { body: string }[]).map((r) => r.body);
      return { duplicate: true, contactId: seen.contact_id, handledAs: 'duplicate', campaignId: null, replies, suppressed: 0 };
    }

    // A first text creates the contact below, once its status and fields are decided: one INSERT.
    const found = s.prepare(INBOUND_SQL.findContact).get(msg.from) as ContactRow | undefined;
    const contact: ContactRow = found ?? { id: this.newId(), status: 'pending', first_name: null, zip: null, email: null, fields: '{}' };
    const convRow = s.prepare(INBOUND_SQL.waiting).get(contact.id, msg.to) as ConversationRow | undefined;
    const conversation: ConversationSnapshot | null = convRow
      ? {
          id: convRow.id, campaignId: convRow.campaign_id, keyword: convRow.keyword, stepIndex: convRow.step_index,
          attempts: convRow.attempts, captured: JSON.parse(convRow.data) as Captured, expiresAt: convRow.expires_at,
        }
      : null;

    const d = decideInbound({
      text: msg.body,
      now,
      senderCampaign: view.speaker,
      keywords: view.keywords,
      contact: { id: contact.id, status: contact.status, firstName: contact.first_name, zip: contact.zip, email: contact.email },
      conversation,
      conversationCampaign: conversation ? (this.registry.campaign(conversation.campaignId) ?? null) : null,
      optOutType: msg.optOutType,
      throttled: msg.throttled ?? false,
      newId: this.newId,
    });

    this.writeContact(contact, found ? null : msg, d, at);
    const inboundId = this.newId();
    s.prepare(INBOUND_SQL.insertInbound).run(inboundId, msg.messageSid, contact.id, d.campaignId, msg.to, msg.body, msg.numMedia, d.handledAs, at);
    this.writeConversations(contact.id, msg.to, d, at);
    for (const c of d.consent) {
      s.prepare(INBOUND_SQL.insertConsent).run(this.newId(), contact.id, msg.from, msg.to, c.campaignId, c.kind, c.via, c.keyword, msg.messageSid, at);
    }
    if (d.pledge) {
      s.prepare(INBOUND_SQL.insertPledge).run(this.newId(), contact.id, d.pledge.campaignId, d.pledge.amountCents, d.pledge.frequency, msg.messageSid, at);
    }
    // A membership row changes only when a flow starts (joined) or completes; skipping the no-op
    // upsert on every other answer saves rewriting a random page per text.
    if (d.membership && (d.conversation?.isNew !== false || d.membership.completed)) {
      s.prepare(INBOUND_SQL.upsertMember).run(d.membership.campaignId, contact.id, d.membership.keyword, at, d.membership.completed ? at : null);
    }

    const replies: string[] = [];
    let suppressed = 0;
    d.replies.forEach((r, position) => {
      const out = enqueueOutbound(
        s,
        { contactId: contact.id, campaignId: d.campaignId, inboundId, position, kind: 'reply', purpose: r.purpose, body: r.body, delivery: 'twiml' },
        this.newId,
        at,
      );
      if (out.accepted) replies.push(r.body);
      else suppressed++;
    });
    return { duplicate: false, contactId: contact.id, handledAs: d.handledAs, campaignId: d.campaignId, replies, suppressed };
  }

  /** Inserts a new contact (`first` is its first text) or updates one; updated_at moves on every text. */
  private writeContact(contact: ContactRow, first: InboundText | null, d: InboundDecision, at: string): void {
    const changedFields = d.fields.firstName !== undefined || d.fields.zip !== undefined || d.fields.email !== undefined;
    const hasCustom = Object.keys(d.custom).length > 0;
    const fields = hasCustom ? JSON.stringify({ ...(JSON.parse(contact.fields) as Captured), ...d.custom }) : contact.fields;
    if (first) {
      this.store.prepare(INBOUND_SQL.insertContact).run(
        contact.id, first.from, d.status, d.fields.firstName ?? null, d.fields.zip ?? null, d.fields.email ?? null, fields,
        first.fromState, d.status === 'opted_out' ? at : null, at, at,
      );
      return;
    }
    if (d.status === contact.status && !changedFields && !hasCustom) {
      this.store.prepare(INBOUND_SQL.touchContact).run(at, contact.id);
      return;
    }
    this.store
      .prepare(INBOUND_SQL.updateContact)
      .run(d.status, d.fields.firstName ?? null, d.fields.zip ?? null, d.fields.email ?? null, fields, d.status, at, at, contact.id);
  }

  private writeConversations(contactId: string, sender: string, d: InboundDecision, at: string): void {
    for (const c of d.closed) this.store.prepare(INBOUND_SQL.closeConversation).run(c.status, at, at, c.id);
    const c = d.conversation;
    if (!c) return;
    const ended = c.status === 'waiting' ? null : at;
    const data = JSON.stringify(c.captured);
    if (c.isNew) {
      this.store
        .prepare(INBOUND_SQL.insertConversation)
        .run(c.id, contactId, c.campaignId, sender, c.keyword, c.status, c.stepIndex, c.attempts, data, at, at, c.expiresAt, ended);
    } else {
      this.store.prepare(INBOUND_SQL.updateConversation).run(c.status, c.stepIndex, c.attempts, data, at, c.expiresAt, ended, c.id);
    }
  }
}
