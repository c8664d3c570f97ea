/**
 * What the router says happened to one inbound text, as a list of events (goflow's engine style),
 * and the one fold from those events to the changes a store must write. Every engine (SQLite,
 * PostgreSQL, the in-memory golden runner) applies a text through `changesOf`, so they agree.
 */
import type { ContactStatus, OutboundPurpose } from './compliance';
import type { Captured } from './engine';
import type { Lang } from './language';
import type { VotingEvent, VotingHandledAs } from './voting';

export type ConsentKind = 'opt_in' | 'opt_out' | 'help';
export type ConsentVia = 'keyword' | 'twilio';
export type ConversationStatus = 'waiting' | 'completed' | 'expired' | 'interrupted';

export type InboundEvent =
  /** A consent fact for the ledger; opt_in/opt_out also set the contact's status. */
  | { type: 'consent_changed'; kind: ConsentKind; via: ConsentVia; keyword: string; campaignId: string }
  /** A new conversation begins (its state follows in a flow_stepped event). */
  | { type: 'flow_started'; conversationId: string; campaignId: string; keyword: string }
  /** The conversation's state after this text. */
  | {
      type: 'flow_stepped'; conversationId: string; campaignId: string; keyword: string;
      stepIndex: number; attempts: number; captured: Captured; expiresAt: string;
    }
  /** A conversation ends: finished (completed), timed out (expired) or cut short (interrupted). */
  | { type: 'flow_ended'; conversationId: string; status: Exclude<ConversationStatus, 'waiting'> }
  | { type: 'field_captured'; field: string; value: string | number | boolean }
  /** A pledge, with its unique reference (the payment processor's refcode). */
  | { type: 'pledge_made'; campaignId: string; amountCents: number; frequency: 'monthly' | 'once'; ref: string }
  /** A reply carries the supporter's tracked donation link /l/<code> (for the pledge `pledgeRef`, if one was made). */
  | { type: 'link_made'; code: string; campaignId: string; pledgeRef: string | null }
  | { type: 'reply'; body: string; purpose: OutboundPurpose }
  /** The contact's language changes (a keyword in a language, or ESPAÑOL / ENGLISH). */
  | { type: 'language_set'; language: Lang }
  /**
   * Nothing claimed the text and the contact is known: it is a conversation item for people (a
   * thread in the inbox). `autoReply` is the campaign's auto-reply (null: off, or opted out); the
   * store sends it only if none went to this number in the last 24 h (core/inbox.ts autoReplyDue).
   */
  | { type: 'inbox_item'; campaignId: string; autoReply: string | null }
  /** An answer to a step of a broadcast's flow, counted on the broadcast (value as branches name it: "yes", "doors"). */
  | { type: 'broadcast_answered'; broadcastId: string; stepId: string; value: string }
  /** Live votes, ideas and idea votes (src/core/voting.ts). */
  | VotingEvent
  /** PAUSE / SKIP: the supporter's reminders (sequence messages) wait until `until`. */
  | { type: 'reminders_paused'; until: string }
  /** `KEYWORD CODE`: the code (normalized) may credit its owner; the store decides (core/referrals.ts creditVerdict). */
  | { type: 'referral_claimed'; campaignId: string; code: string }
  /** The supporter completed the flow (or a reply carries their code): the store issues a code, or finds theirs, and fills the reply's slot. */
  | {
      type: 'referral_issued'; campaignId: string;
      /** The recruiter's "Your friend joined!" text (count as COUNT_SLOT), when the campaign sends it; null: off. */
      notice: string | null;
      /** The one-time leaderboard question, when the campaign asks it: sent only with a newly issued code. */
      askShow: string | null;
    }
  /** The contact joins a team (a tag): `JOIN NURSES`, or a flow step capturing `team`. */
  | { type: 'team_joined'; campaignId: string; team: string }
  /** PAGE: the reply carries the supporter's page token (made on the first PAGE). */
  | { type: 'page_requested'; campaignId: string }
  /** GOAL n: the supporter's own goal (friends to recruit). */
  | { type: 'goal_set'; campaignId: string; goal: number }
  /** SHOW: the supporter agrees to appear as "First L." on the live leaderboard. */
  | { type: 'show_consented'; campaignId: string };

export type HandledAs =
  | 'advanced_opt_out' | 'opt_out' | 'opt_in' | 'help' | 'flow_start' | 'flow_resume' | 'default' | 'opted_out_ignored'
  | 'inbox' | 'throttled' | 'language' | 'reminders_paused' | 'referral_command' | VotingHandledAs;

/** The router's answer for one text. */
export interface InboundOutcome {
  handledAs: HandledAs;
  /** The campaign the text was about (the speaker, or the campaign whose flow it touched). */
  campaignId: string;
  events: InboundEvent[];
}

export interface ConversationWrite {
  id: string;
  isNew: boolean;
  campaignId: string;
  keyword: string;
  status: ConversationStatus;
  stepIndex: number;
  attempts: number;
  captured: Captured;
  expiresAt: string;
}

/** The rows one text changes, folded from its events. */
export interface InboundChanges {
  handledAs: HandledAs;
  campaignId: string;
  /** Contact status after this message. */
  status: ContactStatus;
  fields: { firstName?: string; zip?: string; email?: string };
  custom: Captured;
  consent: { kind: ConsentKind; via: ConsentVia; keyword: string; campaignId: string }[];
  /** Conversations closed by this text other than the one it moved. */
  closed: { id: string; status: Exclude<ConversationStatus, 'waiting'> }[];
  /** The conversation this text started or moved on. */
  conversation: ConversationWrite | null;
  pledge: { campaignId: string; amountCents: number; frequency: 'monthly' | 'once'; ref: string } | null;
  /** Tracked donation links the replies carry. */
  links: { code: string; campaignId: string; pledgeRef: string | null }[];
  /**
   * campaign_members changes only when a flow starts (joined) or completes; the no-op on every
   * other answer is left out, which saves rewriting a random page per text.
   */
  membership: { campaignId: string; keyword: string; completed: boolean } | null;
  replies: { body: string; purpose: OutboundPurpose }[];
  /** The text is an inbox item (a thread message); its auto-reply, if any, is still subject to the 24-hour rule. */
  inbox: { campaignId: string; autoReply: string | null } | null;
  /** Answers to broadcasts' questions (one per text at most). */
  answers: { broadcastId: string; stepId: string; value: string }[];
  /** The contact's new language (null: unchanged). */
  language: Lang | null;
  /** Poll votes, hints, ideas and idea votes (src/store/polls/inbound.ts writes them). */
  voting: VotingEvent[];
  /** PAUSE / SKIP: reminders wait until then. */
  pause: { until: string } | null;
  /** Referral work for the store (null on almost every text: no extra statement then). */
  referral: ReferralChange | null;
  /** Teams the contact joins (tags). */
  teams: { campaignId: string; team: string }[];
}

/** What one text asks of the referral tables, for one campaign. */
export interface ReferralChange {
  campaignId: string;
  /** A code texted after the keyword (normalized), to credit its owner if it may. */
  claim: string | null;
  /** Issue (or find) the supporter's code: they completed, or a reply carries it. */
  issue: boolean;
  /** Make (or find) the page token: a reply carries it. */
  page: boolean;
  goal: number | null;
  show: boolean;
  /** Tell the recruiter (if any, at most once a day): the text, its count as COUNT_SLOT. */
  notice: string | null;
  /** Ask SHOW once: added to the replies only when this text issues the code. */
  askShow: string | null;
}

function referralOf(c: InboundChanges, campaignId: string): ReferralChange {
  if (!c.referral) c.referral = { campaignId, claim: null, issue: false, page: false, goal: null, show: false, notice: null, askShow: null };
  return c.referral;
}

/** Folds an outcome into the changes to write, given the contact's status before the text. */
export function changesOf(outcome: InboundOutcome, statusBefore: ContactStatus): InboundChanges {
  const c: InboundChanges = {
    handledAs: outcome.handledAs, campaignId: outcome.campaignId, status: statusBefore, fields: {}, custom: {}, consent: [],
    closed: [], conversation: null, pledge: null, links: [], membership: null, replies: [], inbox: null, answers: [], language: null, voting: [], pause: null,
    referral: null, teams: [],
  };
  const started = new Set<string>();
  const ended = new Map<string, Exclude<ConversationStatus, 'waiting'>>();
  for (const e of outcome.events) {
    switch (e.type) {
      case 'consent_changed':
        c.consent.push({ kind: e.kind, via: e.via, keyword: e.keyword, campaignId: e.campaignId });
        if (e.kind === 'opt_out') c.status = 'opted_out';
        else if (e.kind === 'opt_in') c.status = 'subscribed';
        break;
      case 'flow_started':
        started.add(e.conversationId);
        break;
      case 'flow_stepped':
        c.conversation = {
          id: e.conversationId, isNew: started.has(e.conversationId), campaignId: e.campaignId, keyword: e.keyword, status: 'waiting',
          stepIndex: e.stepIndex, attempts: e.attempts, captured: e.captured, expiresAt: e.expiresAt,
        };
        break;
      case 'flow_ended':
        ended.set(e.conversationId, e.status);
        break;
      case 'field_captured':
        if (e.field === 'first_name') c.fields.firstName = String(e.value);
        else if (e.field === 'zip') c.fields.zip = String(e.value);
        else if (e.field === 'email') c.fields.email = String(e.value);
        else c.custom[e.field] = e.value;
        break;
      case 'pledge_made':
        c.pledge = { campaignId: e.campaignId, amountCents: e.amountCents, frequency: e.frequency, ref: e.ref };
        break;
      case 'link_made':
        c.links.push({ code: e.code, campaignId: e.campaignId, pledgeRef: e.pledgeRef });
        break;
      case 'reply':
        c.replies.push({ body: e.body, purpose: e.purpose });
        break;
      case 'inbox_item':
        c.inbox = { campaignId: e.campaignId, autoReply: e.autoReply };
        break;
      case 'broadcast_answered':
        c.answers.push({ broadcastId: e.broadcastId, stepId: e.stepId, value: e.value });
        break;
      case 'language_set':
        c.language = e.language;
        break;
      case 'poll_voted':
      case 'poll_hinted':
      case 'idea_submitted':
      case 'idea_voted':
        c.voting.push(e);
        break;
      case 'reminders_paused':
        c.pause = { until: e.until };
        break;
      case 'referral_claimed':
        referralOf(c, e.campaignId).claim = e.code;
        break;
      case 'referral_issued': {
        const r = referralOf(c, e.campaignId);
        r.issue = true;
        r.notice = e.notice;
        r.askShow = e.askShow;
        break;
      }
      case 'page_requested':
        referralOf(c, e.campaignId).page = true;
        break;
      case 'goal_set':
        referralOf(c, e.campaignId).goal = e.goal;
        break;
      case 'show_consented':
        referralOf(c, e.campaignId).show = true;
        break;
      case 'team_joined':
        if (!c.teams.some((t) => t.campaignId === e.campaignId && t.team === e.team)) c.teams.push({ campaignId: e.campaignId, team: e.team });
        break;
    }
  }
  for (const [id, status] of ended) {
    if (c.conversation?.id === id) c.conversation.status = status;
    else c.closed.push({ id, status });
  }
  const conv = c.conversation;
  if (conv && (conv.isNew || conv.status === 'completed')) {
    c.membership = { campaignId: conv.campaignId, keyword: conv.keyword, completed: conv.status === 'completed' };
  }
  return c;
}
