/**
 * The router: decides what one inbound text means for one contact.
 * Order: carrier-handled opt-out (Advanced Opt-Out) → compliance words → expiry of a stale
 * conversation → a keyword (first word) starts or restarts its flow → a waiting conversation
 * resumes → a default reply. Pure: the caller loads the snapshot and persists the decision.
 */
import {
  campaignVars, defaultReply, helpReply, optInConfirmation, optOutConfirmation, type CampaignRuntime,
} from './campaign';
import { classifyCompliance, isConditionalOptIn, type ContactStatus, type OutboundPurpose } from './compliance';
import { resumeFlow, startFlow, type Captured, type FlowOutcome } from './engine';
import type { IdGenerator } from './clock';
import type { KeywordIndex } from './keywords';
import { HOUR_MS } from './clock';

export interface ContactSnapshot {
  id: string;
  status: ContactStatus;
  firstName: string | null;
  zip: string | null;
  email: string | null;
}

export interface ConversationSnapshot {
  id: string;
  campaignId: string;
  keyword: string;
  stepIndex: number;
  attempts: number;
  captured: Captured;
  expiresAt: string;
}

export interface InboundInput {
  text: string;
  now: Date;
  /** The campaign that speaks for the sender (help, stop, default replies). */
  senderCampaign: CampaignRuntime;
  keywords: KeywordIndex;
  contact: ContactSnapshot;
  conversation: ConversationSnapshot | null;
  /** Campaign of the waiting conversation (null if it was deleted or its flow is broken). */
  conversationCampaign: CampaignRuntime | null;
  /** Twilio Advanced Opt-Out already handled a compliance keyword and replied itself. */
  optOutType: 'STOP' | 'START' | 'HELP' | null;
  /** The number is over its inbound flood limit (INBOUND_PER_NUMBER_PER_MINUTE). */
  throttled?: boolean;
  newId: IdGenerator;
}

export type ConsentKind = 'opt_in' | 'opt_out' | 'help';
export type ConsentVia = 'keyword' | 'twilio';
export type ConversationStatus = 'waiting' | 'completed' | 'expired' | 'interrupted';

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

export type HandledAs =
  | 'advanced_opt_out' | 'opt_out' | 'opt_in' | 'help' | 'flow_start' | 'flow_resume' | 'default' | 'opted_out_ignored'
  | 'throttled';

export interface InboundDecision {
  handledAs: HandledAs;
  campaignId: string;
  /** Contact status after this message. */
  status: ContactStatus;
  fields: { firstName?: string; zip?: string; email?: string };
  custom: Captured;
  consent: { kind: ConsentKind; via: ConsentVia; keyword: string; campaignId: string }[];
  closed: { id: string; status: Exclude<ConversationStatus, 'waiting'> }[];
  conversation: ConversationWrite | null;
  pledge: { campaignId: string; amountCents: number; frequency: 'monthly' | 'once' } | null;
  membership: { campaignId: string; keyword: string; completed: boolean } | null;
  replies: { body: string; purpose: OutboundPurpose }[];
}

function blank(input: InboundInput, handledAs: HandledAs, campaign: CampaignRuntime): InboundDecision {
  return {
    handledAs, campaignId: campaign.id, status: input.contact.status, fields: {}, custom: {}, consent: [], closed: [],
    conversation: null, pledge: null, membership: null, replies: [],
  };
}

function expiresAt(now: Date, c: CampaignRuntime): string {
  return new Date(now.getTime() + c.expiryHours * HOUR_MS).toISOString();
}

function contactVars(c: ContactSnapshot): Record<string, string | null> {
  return { first_name: c.firstName, zip: c.zip, email: c.email };
}

/** Fold a flow outcome into the decision: captures, pledge, conversation row, replies. */
function applyOutcome(
  d: InboundDecision, input: InboundInput, campaign: CampaignRuntime, keyword: string,
  outcome: FlowOutcome, conv: { id: string; isNew: boolean },
): void {
  for (const e of outcome.effects) {
    if (e.type === 'reply') d.replies.push({ body: e.body, purpose: 'reply' });
    else if (e.type === 'pledge') d.pledge = { campaignId: campaign.id, amountCents: e.amountCents, frequency: e.frequency };
    else if (e.type === 'capture') {
      if (e.field === 'first_name') d.fields.firstName = String(e.value);
      else if (e.field === 'zip') d.fields.zip = String(e.value);
      else if (e.field === 'email') d.fields.email = String(e.value);
      else if (e.field !== 'pledge') d.custom[e.field] = e.value;
    }
  }
  d.conversation = {
    id: conv.id, isNew: conv.isNew, campaignId: campaign.id, keyword, status: outcome.status,
    stepIndex: outcome.state.stepIndex, attempts: outcome.state.attempts, captured: outcome.state.captured,
    expiresAt: expiresAt(input.now, campaign),
  };
  d.membership = { campaignId: campaign.id, keyword, completed: outcome.status === 'completed' };
}

/**
 * A throttled number (over its flood limit) still gets compliance: these are acted on in full
 * (status, consent ledger, interrupted conversation) even in the middle of a flood.
 */
const HONOURED_WHEN_THROTTLED = new Set<HandledAs>(['opt_out', 'opt_in', 'help', 'advanced_opt_out']);

/**
 * The flood rule applied to a decision. Compliance is honoured, but only a reply confirming a
 * change of consent goes out (the STOP confirmation, or START/YES re-subscribing an opted-out
 * or pending number): never 500 HELP answers to 500 HELPs. Anything else is recorded as
 * received and changes nothing.
 */
function throttle(d: InboundDecision, before: ContactStatus): InboundDecision {
  if (HONOURED_WHEN_THROTTLED.has(d.handledAs)) {
    const confirmsChange = (r: InboundDecision['replies'][number]) =>
      r.purpose === 'opt_out_confirmation' || (d.handledAs === 'opt_in' && before !== 'subscribed');
    return { ...d, replies: d.replies.filter(confirmsChange) };
  }
  return {
    ...d, handledAs: 'throttled', status: before, fields: {}, custom: {}, consent: [], closed: [], conversation: null,
    pledge: null, membership: null, replies: [],
  };
}

export function decideInbound(input: InboundInput): InboundDecision {
  const d = route(input);
  return input.throttled ? throttle(d, input.contact.status) : d;
}

function route(input: InboundInput): InboundDecision {
  const { contact, senderCampaign } = input;
  let conversation = input.conversation;
  const speaker = input.conversationCampaign ?? senderCampaign;

  if (input.optOutType) {
    const d = blank(input, 'advanced_opt_out', speaker);
    const kind = input.optOutType === 'STOP' ? 'opt_out' : input.optOutType === 'START' ? 'opt_in' : 'help';
    d.consent.push({ kind, via: 'twilio', keyword: input.text.trim().toUpperCase().slice(0, 40) || input.optOutType, campaignId: speaker.id });
    if (kind === 'opt_out') {
      d.status = 'opted_out';
      if (conversation) d.closed.push({ id: conversation.id, status: 'interrupted' });
    } else if (kind === 'opt_in') d.status = 'subscribed';
    return d;
  }

  const waitingStep =
    conversation && input.conversationCampaign ? input.conversationCampaign.flow.steps[conversation.stepIndex] : undefined;
  let compliance = classifyCompliance(input.text);
  if (!compliance && waitingStep?.validate.type !== 'yesno') {
    const yes = isConditionalOptIn(input.text);
    if (yes) compliance = { kind: 'opt_in', keyword: yes };
  }

  if (compliance?.kind === 'opt_out') {
    const d = blank(input, 'opt_out', speaker);
    d.consent.push({ kind: 'opt_out', via: 'keyword', keyword: compliance.keyword, campaignId: speaker.id });
    d.status = 'opted_out';
    if (conversation) d.closed.push({ id: conversation.id, status: 'interrupted' });
    // One confirmation, only on the transition: a second STOP gets silence.
    if (contact.status !== 'opted_out') d.replies.push({ body: optOutConfirmation(speaker), purpose: 'opt_out_confirmation' });
    return d;
  }
  if (compliance?.kind === 'help') {
    const d = blank(input, 'help', speaker);
    d.consent.push({ kind: 'help', via: 'keyword', keyword: compliance.keyword, campaignId: speaker.id });
    d.replies.push({ body: helpReply(speaker), purpose: 'help' });
    return d;
  }
  if (compliance?.kind === 'opt_in') {
    const d = blank(input, 'opt_in', speaker);
    d.consent.push({ kind: 'opt_in', via: 'keyword', keyword: compliance.keyword, campaignId: speaker.id });
    d.status = 'subscribed';
    d.replies.push({ body: optInConfirmation(speaker), purpose: 'reply' });
    return d;
  }

  const closed: InboundDecision['closed'] = [];
  if (conversation && (conversation.expiresAt <= input.now.toISOString() || !input.conversationCampaign)) {
    closed.push({ id: conversation.id, status: conversation.expiresAt <= input.now.toISOString() ? 'expired' : 'interrupted' });
    conversation = null;
  }

  // A keyword as the first word always (re)starts its flow, even mid-conversation: nobody's
  // first name or ZIP begins with JOIN, and a confused person re-texting JOIN should start over.
  const hit = input.keywords.match(input.text);
  if (hit) {
    const campaign = hit.campaign;
    const d = blank(input, 'flow_start', campaign);
    d.closed = closed;
    if (conversation) d.closed.push({ id: conversation.id, status: 'interrupted' });
    d.consent.push({ kind: 'opt_in', via: 'keyword', keyword: hit.matched, campaignId: campaign.id });
    d.status = 'subscribed';
    const vars = { ...contactVars(contact), ...campaignVars(campaign, hit.keyword) };
    const outcome = startFlow(campaign.flow, vars, optInConfirmation(campaign));
    applyOutcome(d, input, campaign, hit.keyword, outcome, { id: input.newId(), isNew: true });
    return d;
  }

  if (contact.status === 'opted_out') {
    // Not a keyword, not START: an opted-out number gets nothing back.
    const d = blank(input, 'opted_out_ignored', speaker);
    d.closed = closed;
    return d;
  }

  if (conversation && input.conversationCampaign) {
    const campaign = input.conversationCampaign;
    const d = blank(input, 'flow_resume', campaign);
    d.closed = closed;
    const vars = { ...contactVars(contact), ...campaignVars(campaign, conversation.keyword) };
    const state = { stepIndex: conversation.stepIndex, attempts: conversation.attempts, captured: conversation.captured };
    const outcome = resumeFlow(campaign.flow, state, input.text, vars);
    applyOutcome(d, input, campaign, conversation.keyword, outcome, { id: conversation.id, isNew: false });
    return d;
  }

  const d = blank(input, 'default', senderCampaign);
  d.closed = closed;
  d.replies.push({ body: defaultReply(senderCampaign), purpose: 'reply' });
  return d;
}
