/**
 * The pure router with an in-memory "store": no HTTP, no SQLite. It applies the router's events
 * through the same fold every store uses (core/inbound-events.ts) and gates replies with the
 * outbox's rule (mayText), so the golden conversations can run against the decision logic alone.
 */
import { parseCampaign, type CampaignRuntime } from '../../src/core/campaign';
import type { Clock } from '../../src/core/clock';
import { mayText, type ContactStatus } from '../../src/core/compliance';
import type { Captured } from '../../src/core/engine';
import { FloodGuard } from '../../src/core/flood';
import { decideInbound } from '../../src/core/inbound';
import { changesOf, type ConversationStatus } from '../../src/core/inbound-events';
import { autoReplyDue } from '../../src/core/inbox';
import { KeywordIndex } from '../../src/core/keywords';
import { normalizeSender, toE164 } from '../../src/core/phone';
import { DEMO_CAMPAIGN } from '../../src/usecases/campaigns/seed';

interface Contact { id: string; status: ContactStatus; first_name: string | null; zip: string | null; email: string | null; fields: Captured }
interface Conversation {
  id: string; contactId: string; campaignId: string; sender: string; keyword: string; status: ConversationStatus;
  stepIndex: number; attempts: number; captured: Captured; expiresAt: string;
}

export class MemoryRouter {
  private readonly campaign: CampaignRuntime;
  private readonly campaigns: CampaignRuntime[];
  private keywords: KeywordIndex;
  private readonly flood = new FloodGuard(20);
  private readonly contacts = new Map<string, Contact>();
  /** In insertion order, like rowid. */
  private readonly conversations: Conversation[] = [];
  private readonly consent: { contactId: string; kind: string; keyword: string }[] = [];
  private readonly pledges: { contactId: string; amountCents: number }[] = [];
  /** The inbox's last auto-reply per contact (the 24-hour rule, as the store applies it). */
  private readonly autoReplied = new Map<string, string>();
  private n = 0;

  constructor(private readonly clock: Clock) {
    const parsed = parseCampaign(DEMO_CAMPAIGN);
    if (!parsed.ok) throw new Error('demo campaign invalid');
    this.campaign = { id: 'campaign-demo', ...parsed.value };
    this.campaigns = [this.campaign];
    this.keywords = new KeywordIndex(this.campaigns);
  }

  /** Another campaign on the demo's sender (a golden's own flow); the demo stays the speaker. */
  addCampaign(input: unknown): void {
    const parsed = parseCampaign(input);
    if (!parsed.ok) throw new Error(`campaign invalid: ${JSON.stringify(parsed.problems)}`);
    this.campaigns.push({ id: `campaign-${this.campaigns.length + 1}`, ...parsed.value });
    this.keywords = new KeywordIndex(this.campaigns);
  }

  private readonly newId = () => `m${++this.n}`;

  /** One text, as the inbound use case + store would handle it; resolves to the replies given. */
  text(rawFrom: string, body: string, rawTo = '62262'): string[] {
    const from = toE164(rawFrom);
    const to = normalizeSender(rawTo);
    if (!from || to !== this.campaign.sender) return [];
    const now = this.clock.now();
    const known = this.contacts.get(from);
    const contact = known ?? { id: this.newId(), status: 'pending', first_name: null, zip: null, email: null, fields: {} };
    const waiting = this.conversations.find((c) => c.contactId === contact.id && c.sender === to && c.status === 'waiting') ?? null;
    const outcome = decideInbound({
      text: body, now, senderCampaign: this.campaign, keywords: this.keywords,
      contact: { id: contact.id, status: contact.status, firstName: contact.first_name, zip: contact.zip, email: contact.email, known: known !== undefined },
      conversation: waiting,
      conversationCampaign: this.campaigns.find((c) => c.id === waiting?.campaignId) ?? null,
      optOutType: null, throttled: !this.flood.take(from, now.getTime()).allowed, newId: this.newId,
      linkBase: 'https://sms.rally.example',
    });
    const d = changesOf(outcome, contact.status);
    contact.status = d.status;
    contact.first_name = d.fields.firstName ?? contact.first_name;
    contact.zip = d.fields.zip ?? contact.zip;
    contact.email = d.fields.email ?? contact.email;
    contact.fields = { ...contact.fields, ...d.custom };
    this.contacts.set(from, contact);
    for (const c of d.closed) this.conversations.find((x) => x.id === c.id)!.status = c.status;
    const w = d.conversation;
    if (w) {
      const row: Conversation = {
        id: w.id, contactId: contact.id, campaignId: w.campaignId, sender: to, keyword: w.keyword, status: w.status,
        stepIndex: w.stepIndex, attempts: w.attempts, captured: w.captured, expiresAt: w.expiresAt,
      };
      if (w.isNew) this.conversations.push(row);
      else Object.assign(this.conversations.find((x) => x.id === w.id)!, row);
    }
    for (const c of d.consent) this.consent.push({ contactId: contact.id, kind: c.kind, keyword: c.keyword });
    if (d.pledge) this.pledges.push({ contactId: contact.id, amountCents: d.pledge.amountCents });
    const at = now.toISOString();
    if (d.inbox?.autoReply && autoReplyDue(this.autoReplied.get(contact.id) ?? null, at)) {
      this.autoReplied.set(contact.id, at);
      d.replies.push({ body: d.inbox.autoReply, purpose: 'reply' });
    }
    // The outbox's gate, read after the contact's change (as in the store's transaction).
    return d.replies.filter((r) => mayText(contact.status, r.purpose)).map((r) => r.body);
  }

  /** What the golden files' `final` block checks. */
  final(phone: string) {
    const c = this.contacts.get(phone)!;
    return {
      contact: { status: c.status, first_name: c.first_name, zip: c.zip, email: c.email },
      fields: c.fields,
      pledgesCents: this.pledges.filter((p) => p.contactId === c.id).map((p) => p.amountCents),
      conversations: this.conversations.filter((x) => x.contactId === c.id).map((x) => x.status as string),
      consent: this.consent.filter((x) => x.contactId === c.id).map((x) => `${x.kind}:${x.keyword}`),
    };
  }
}
