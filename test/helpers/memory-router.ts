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
import { parsePoll } from '../../src/core/polls';
import { LATE_VOTE_MS, type PollView, type VotingSnapshot } from '../../src/core/voting';
import { primaryKeyword } from '../../src/core/campaign';
import { creditVerdict, fillReferralSlots, makeCode } from '../../src/core/referrals';

interface Contact {
  id: string; status: ContactStatus; first_name: string | null; zip: string | null; email: string | null; fields: Captured; language: string | null;
}
interface Conversation {
  id: string; contactId: string; campaignId: string; sender: string; keyword: string; status: ConversationStatus;
  stepIndex: number; attempts: number; captured: Captured; expiresAt: string;
}

export class MemoryRouter {
  private readonly campaign: CampaignRuntime;
  private readonly campaigns: CampaignRuntime[];
  /** Per sender: its campaigns' keywords (the oldest campaign on a sender speaks for it). */
  private keywords = new Map<string, KeywordIndex>();
  private readonly flood = new FloodGuard(20);
  private readonly contacts = new Map<string, Contact>();
  /** In insertion order, like rowid. */
  private readonly conversations: Conversation[] = [];
  private readonly consent: { contactId: string; kind: string; keyword: string }[] = [];
  private readonly pledges: { contactId: string; amountCents: number }[] = [];
  /** The inbox's last auto-reply per contact (the 24-hour rule, as the store applies it). */
  private readonly autoReplied = new Map<string, string>();
  private n = 0;
  /** Live voting, as the store and the voting registry hold it. */
  private poll: (PollView & { closedAt: string | null }) | null = null;
  private readonly pollVotes = new Map<string, { optionIndex: number | null; hinted: boolean }>();
  private ideasWindow: { id: string; open: boolean; closedAt: string | null } | null = null;
  private readonly ideas: { id: string; contactId: string; number: number | null; text: string; status: string }[] = [];
  private readonly ideaVotes: { ideaId: string; contactId: string }[] = [];
  /** Referral rows by `${campaignId} ${contactId}`, as the store keeps them (src/store/referrals/inbound.ts). */
  private readonly referrals = new Map<string, { campaignId: string; contactId: string; code: string | null; recruitedBy: string | null; pageToken: string | null; goal: number | null; show: boolean }>();
  private readonly teamTags: { campaignId: string; contactId: string; team: string }[] = [];

  constructor(private readonly clock: Clock) {
    const parsed = parseCampaign(DEMO_CAMPAIGN);
    if (!parsed.ok) throw new Error('demo campaign invalid');
    this.campaign = { id: 'campaign-demo', ...parsed.value };
    this.campaigns = [this.campaign];
    this.index();
  }

  private index(): void {
    const senders = new Set(this.campaigns.map((c) => c.sender));
    this.keywords = new Map([...senders].map((s) => [s, new KeywordIndex(this.campaigns.filter((c) => c.sender === s))]));
  }

  /** Another campaign (a golden's own flow): on the demo's sender the demo stays the speaker; on its own sender it speaks. */
  addCampaign(input: unknown): void {
    const parsed = parseCampaign(input);
    if (!parsed.ok) throw new Error(`campaign invalid: ${JSON.stringify(parsed.problems)}`);
    this.campaigns.push({ id: `campaign-${this.campaigns.length + 1}`, ...parsed.value });
    this.index();
  }

  private readonly newId = () => `m${++this.n}`;

  /** A poll on the demo campaign, opened at once. */
  openPoll(input: Record<string, unknown>): void {
    const parsed = parsePoll({ ...input, campaignId: this.campaign.id });
    if (!parsed.ok) throw new Error(`poll invalid: ${JSON.stringify(parsed.problems)}`);
    this.poll = {
      id: `poll-${this.newId()}`, campaignId: this.campaign.id, question: parsed.value.question, options: parsed.value.options, open: true,
      joinWord: primaryKeyword(this.campaign), programName: this.campaign.programName, closedAt: null,
    };
  }

  closePoll(): void {
    if (this.poll) Object.assign(this.poll, { open: false, closedAt: this.clock.now().toISOString() });
  }

  openIdeas(): void {
    this.ideasWindow = { id: `window-${this.newId()}`, open: true, closedAt: null };
  }

  closeIdeas(): void {
    if (this.ideasWindow) Object.assign(this.ideasWindow, { open: false, closedAt: this.clock.now().toISOString() });
  }

  /** Approves every idea waiting in the queue (pending or flagged), numbering them in order. */
  approveIdeas(): void {
    let top = Math.max(0, ...this.ideas.map((i) => i.number ?? 0));
    for (const i of this.ideas) {
      if (i.status !== 'pending' && i.status !== 'flagged') continue;
      i.status = 'approved';
      i.number = ++top;
    }
  }

  private voting(contactId: string): VotingSnapshot | null {
    const cutoff = new Date(this.clock.now().getTime() - LATE_VOTE_MS).toISOString();
    const poll = this.poll && (this.poll.open || (this.poll.closedAt ?? '') >= cutoff) ? this.poll : null;
    const w = this.ideasWindow && (this.ideasWindow.open || (this.ideasWindow.closedAt ?? '') >= cutoff) ? this.ideasWindow : null;
    if (!poll && !w) return null;
    const byNumber = new Map(this.ideas.filter((i) => i.status === 'approved' && i.number !== null).map((i) => [i.number!, i.id]));
    return {
      view: { poll, ideas: w ? { windowId: w.id, campaignId: this.campaign.id, open: w.open, byNumber } : null },
      voter: {
        pollVote: poll?.open ? (this.pollVotes.get(contactId) ?? null) : null,
        ideaVotes: this.ideaVotes.filter((v) => v.contactId === contactId).map((v) => v.ideaId),
      },
    };
  }

  /** One text, as the inbound use case + store would handle it; resolves to the replies given. */
  text(rawFrom: string, body: string, rawTo = '62262'): string[] {
    const from = toE164(rawFrom);
    const to = normalizeSender(rawTo);
    const speaker = this.campaigns.find((c) => c.sender === to);
    const keywords = to ? this.keywords.get(to) : undefined;
    if (!from || !to || !speaker || !keywords) return [];
    const now = this.clock.now();
    const known = this.contacts.get(from);
    const contact: Contact = known ?? { id: this.newId(), status: 'pending', first_name: null, zip: null, email: null, fields: {}, language: null };
    const waiting = this.conversations.find((c) => c.contactId === contact.id && c.sender === to && c.status === 'waiting') ?? null;
    const outcome = decideInbound({
      text: body, now, senderCampaign: speaker, keywords,
      contact: {
        id: contact.id, status: contact.status, firstName: contact.first_name, zip: contact.zip, email: contact.email, known: known !== undefined,
        language: contact.language,
      },
      conversation: waiting,
      conversationCampaign: this.campaigns.find((c) => c.id === waiting?.campaignId) ?? null,
      optOutType: null, throttled: !this.flood.take(from, now.getTime()).allowed, newId: this.newId,
      voting: this.voting(contact.id),
      linkBase: 'https://sms.rally.example',
    });
    const d = changesOf(outcome, contact.status);
    contact.status = d.status;
    contact.first_name = d.fields.firstName ?? contact.first_name;
    contact.zip = d.fields.zip ?? contact.zip;
    contact.email = d.fields.email ?? contact.email;
    contact.fields = { ...contact.fields, ...d.custom };
    contact.language = d.language ?? contact.language;
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
    for (const e of d.voting) {
      const before = this.pollVotes.get(contact.id) ?? { optionIndex: null, hinted: false };
      if (e.type === 'poll_voted') this.pollVotes.set(contact.id, { optionIndex: e.optionIndex, hinted: before.hinted });
      else if (e.type === 'poll_hinted') this.pollVotes.set(contact.id, { optionIndex: before.optionIndex, hinted: true });
      else if (e.type === 'idea_submitted') this.ideas.push({ id: this.newId(), contactId: contact.id, number: null, text: e.text, status: e.status });
      else if (!this.ideaVotes.some((v) => v.ideaId === e.ideaId && v.contactId === contact.id)) this.ideaVotes.push({ ideaId: e.ideaId, contactId: contact.id });
    }
    if (d.referral) {
      const r = d.referral;
      const key = `${r.campaignId} ${contact.id}`;
      const own = this.referrals.get(key);
      const row = own ?? { campaignId: r.campaignId, contactId: contact.id, code: null, recruitedBy: null, pageToken: null, goal: null, show: false };
      const byCode = (code: string) => [...this.referrals.values()].find((x) => x.campaignId === r.campaignId && x.code === code);
      if (r.claim !== null) {
        const owner = byCode(r.claim);
        const verdict = creditVerdict({ ownerId: owner?.contactId, contactId: contact.id, own: own ? { code: own.code, recruitedBy: own.recruitedBy } : undefined });
        if (verdict === 'credited') row.recruitedBy = owner!.contactId;
      }
      const hadCode = row.code !== null;
      if ((r.issue || r.page) && row.code === null) {
        for (let attempt = 0; row.code === null; attempt++) {
          const candidate = makeCode(this.newId(), contact.first_name, attempt);
          if (!byCode(candidate)) row.code = candidate;
        }
      }
      if (r.page && row.pageToken === null) row.pageToken = `page${this.newId()}`;
      if (r.goal !== null) row.goal = r.goal;
      if (r.show) row.show = true;
      if (own || row.code !== null || row.recruitedBy !== null || row.pageToken !== null || row.goal !== null || row.show) this.referrals.set(key, row);
      for (const reply of d.replies) reply.body = fillReferralSlots(reply.body, row.code, row.pageToken);
      if (r.askShow !== null && !hadCode && row.code !== null) d.replies.push({ body: r.askShow, purpose: 'reply' });
    }
    for (const t of d.teams) {
      if (!this.teamTags.some((x) => x.campaignId === t.campaignId && x.contactId === contact.id && x.team === t.team)) {
        this.teamTags.push({ campaignId: t.campaignId, contactId: contact.id, team: t.team });
      }
    }
    const at = now.toISOString();
    if (d.inbox?.autoReply && autoReplyDue(this.autoReplied.get(contact.id) ?? null, at)) {
      this.autoReplied.set(contact.id, at);
      d.replies.push({ body: d.inbox.autoReply, purpose: 'reply' });
    }
    // The outbox's gate, read after the contact's change (as in the store's transaction).
    return d.replies.filter((r) => mayText(contact.status, r.purpose)).map((r) => r.body);
  }

  /** Every referral code issued, by phone (goldens write a code as `{code:+1…}`). */
  codes(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [phone, c] of this.contacts) {
      for (const r of this.referrals.values()) if (r.contactId === c.id && r.code) out.set(phone, r.code);
    }
    return out;
  }

  /** Who recruited each phone (a phone, or null), how many each recruited, and the phone's teams. */
  referralFinal(phone: string): { recruitedBy: string | null; recruits: number; teams: string[]; page: 200 | 404 | null } {
    const c = this.contacts.get(phone)!;
    const phoneOf = (id: string) => [...this.contacts].find(([, x]) => x.id === id)?.[0] ?? null;
    const rows = [...this.referrals.values()];
    const by = rows.find((r) => r.contactId === c.id && r.recruitedBy)?.recruitedBy ?? null;
    return {
      recruitedBy: by ? phoneOf(by) : null,
      recruits: rows.filter((r) => r.recruitedBy === c.id).length,
      teams: this.teamTags.filter((t) => t.contactId === c.id).map((t) => t.team).sort(),
      // The page as /p/<token> answers it: gone while the supporter is opted out.
      page: rows.some((r) => r.contactId === c.id && r.pageToken) ? (c.status === 'opted_out' ? 404 : 200) : null,
    };
  }

  /** What the golden files' `final` block checks. */
  final(phone: string) {
    const c = this.contacts.get(phone)!;
    return {
      contact: { status: c.status, first_name: c.first_name, zip: c.zip, email: c.email },
      fields: c.fields,
      language: c.language,
      pledgesCents: this.pledges.filter((p) => p.contactId === c.id).map((p) => p.amountCents),
      conversations: this.conversations.filter((x) => x.contactId === c.id).map((x) => x.status as string),
      consent: this.consent.filter((x) => x.contactId === c.id).map((x) => `${x.kind}:${x.keyword}`),
      vote: this.poll ? (this.poll.options[this.pollVotes.get(c.id)?.optionIndex ?? -1]?.label ?? null) : undefined,
      ideas: this.ideasWindow
        ? this.ideas.map((i) => ({ number: i.number, text: i.text, status: i.status, votes: this.ideaVotes.filter((v) => v.ideaId === i.id).length }))
        : undefined,
    };
  }
}
