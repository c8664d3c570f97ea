/**
 * The router: decides what one inbound text means for one contact. The order in which meanings
 * win is one table, RULES, below (docs/conversation.md mirrors it): carrier-handled opt-out →
 * compliance words (YES is an answer while a yes/no question, or a broadcast's question, is
 * open) → a keyword (first word) starts or restarts its flow, unless the text answers the waiting
 * question (`answerBeatsKeyword`) → an opted-out number is ignored → a waiting conversation
 * resumes, on its broadcast's flow when a broadcast opened it → from a known number, an inbox
 * item for people → from an unknown number, how to join. A conversation that expired is closed
 * before any rule below the compliance words runs.
 * Pure: the caller loads the snapshot; the router returns events
 * (src/core/inbound-events.ts), which the store applies in one place.
 */
import {
  defaultReply, helpReply, keywordInLanguage, optInConfirmation, optOutConfirmation, startConfirmation, type CampaignRuntime,
} from './campaign';
import { languageFor, languageOfComplianceWord, languagesOf, type Lang } from './language';
import { languageSwitchRule } from './rules/language-switch';
import { classifyCompliance, isConditionalOptIn, type ContactStatus, type OutboundPurpose } from './compliance';
import { resumeFlow, startFlow, validateAnswer, type Captured, type FlowOutcome } from './engine';
import type { Flow, Step } from './flow';
import { answerKey } from './flow-routes';
import { formatCents } from './money';
import type { IdGenerator } from './clock';
import type { KeywordIndex } from './keywords';
import { HOUR_MS } from './clock';
import { autoReplyFor } from './inbox';
import type { VotingSnapshot } from './voting';
import { liveVotes } from './rules/live-votes';
import { ideaCommands } from './rules/idea-commands';
import { linkPath, pledgeRef, shortCode } from './donations';
import { createReminderCommands } from './rules/reminder-commands';
import { COUNT_SLOT, normalizeCode, REFERRAL_CODE_SLOT, wordAfterKeyword } from './referrals';
import { systemText } from './system-texts';
import { teamByWord } from './referral-settings';
import { createReferralCommands } from './rules/referral-commands';

export interface ContactSnapshot {
  id: string;
  status: ContactStatus;
  firstName: string | null;
  zip: string | null;
  email: string | null;
  /** The number texted before (its contact row exists): an unclaimed text from it goes to the inbox. */
  known?: boolean;
  /** The supporter's language (null: unknown; the campaign default is used). Read with the contact row. */
  language?: string | null;
}

export interface ConversationSnapshot {
  id: string;
  campaignId: string;
  keyword: string;
  stepIndex: number;
  attempts: number;
  captured: Captured;
  expiresAt: string;
  /** The broadcast that opened this conversation (its flow is the broadcast's, not the campaign's). */
  broadcastId?: string | null;
  /** The sequence whose step that asks opened this conversation (its flow is that step's: `broadcastFlow` carries it). */
  sequenceId?: string | null;
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
  /** The flow of the broadcast (or sequence step) that opened the waiting conversation (null if it cannot be read). */
  broadcastFlow?: Flow | null;
  /** Twilio Advanced Opt-Out already handled a compliance keyword and replied itself. */
  optOutType: 'STOP' | 'START' | 'HELP' | null;
  /** The number is over its inbound flood limit (INBOUND_PER_NUMBER_PER_MINUTE). */
  throttled?: boolean;
  /** Live voting on this sender (an open or just-closed poll, the ideas window) and this phone's votes; absent: none. */
  voting?: VotingSnapshot | null;
  newId: IdGenerator;
  /** Where tracked links point (PUBLIC_BASE_URL); absent: {{donation_link}} is left empty. */
  linkBase?: string;
}

import type { ConsentKind, ConsentVia, HandledAs, InboundEvent, InboundOutcome } from './inbound-events';

export type { ConsentKind, ConsentVia, ConversationStatus, HandledAs, InboundEvent, InboundOutcome } from './inbound-events';

/** An outcome under construction: events are pushed in the order they happen. */
function blank(handledAs: HandledAs, campaign: CampaignRuntime): InboundOutcome {
  return { handledAs, campaignId: campaign.id, events: [] };
}

function expiresAt(now: Date, c: CampaignRuntime): string {
  return new Date(now.getTime() + c.expiryHours * HOUR_MS).toISOString();
}

/**
 * A flow message's merge values: the contact's, the campaign's ({{program}}, {{keyword}} in `lang`,
 * {{sender}}: campaignVars's three, written out here rather than spread in) and the two slots
 * filled later ({{referral_code}} by the store, {{donation_link}} by donationLink when the campaign
 * has a donation URL; null renders as empty, as a missing value does). Built as one literal, so every text's object has the same shape from the start: two
 * spreads and two added keys made V8 copy and re-shape it on every keyword and answer (perf,
 * docs/performance.md session 23).
 */
function flowVars(contact: ContactSnapshot, campaign: CampaignRuntime, keyword: string, lang: Lang): Record<string, string | null> {
  return {
    first_name: contact.firstName, zip: contact.zip, email: contact.email,
    program: campaign.programName, keyword: keywordInLanguage(campaign, keyword, lang), sender: campaign.sender,
    referral_code: REFERRAL_CODE_SLOT, donation_link: null,
  };
}

/**
 * Where a reply says {{donation_link}}: rendered as this placeholder, which no text can contain
 * (NUL), and swapped for the supporter's tracked link only in a reply that carries it. So a link
 * code is drawn (and a link row written) only when a reply really links, not on every keyword or
 * answer of a campaign that has a donation URL.
 */
const LINK_SLOT = '\u0000donation_link\u0000';

/** The campaign's donation link as a merge value ({{donation_link}}), when it has a donation URL: true when it may be drawn. */
function donationLink(input: InboundInput, campaign: CampaignRuntime, vars: Record<string, string | null>): boolean {
  if (!campaign.donationUrl || !input.linkBase) return false;
  vars.donation_link = LINK_SLOT;
  return true;
}

/**
 * A flow outcome as events: replies, captures and pledge in order, then the conversation's state.
 * A pledge gets its reference here (kept in the conversation as `pledge_ref`, so a later message's
 * donation link finds it); a donation link a reply carries becomes a link_made event.
 */
function flowEvents(
  o: InboundOutcome, input: InboundInput, campaign: CampaignRuntime, keyword: string, outcome: FlowOutcome, conversationId: string,
  linkable: boolean, campaignFlow: boolean, lang: Lang,
): void {
  // One code per text, drawn at the first reply that carries the link (none: no code, no row).
  let link: { code: string; url: string } | null = null;
  let carriesCode = false;
  for (const e of outcome.effects) {
    if (e.type === 'reply') {
      let body = e.body;
      if (linkable && body.includes(LINK_SLOT)) {
        if (!link) {
          const code = shortCode(input.newId());
          link = { code, url: `${input.linkBase}${linkPath(code)}` };
        }
        body = body.split(LINK_SLOT).join(link.url);
      }
      o.events.push({ type: 'reply', body, purpose: 'reply' });
      if (body.includes(REFERRAL_CODE_SLOT)) carriesCode = true;
    } else if (e.type === 'capture' && e.field === 'team' && campaignFlow) {
      // A flow step capturing "team" ("Which group? 1 Nurses 2 Students") tags the contact.
      o.events.push({ type: 'field_captured', field: e.field, value: e.value });
      const team = teamByWord(campaign.referrals, String(e.value));
      if (team) o.events.push({ type: 'team_joined', campaignId: campaign.id, team: team.word });
    } else if (e.type === 'pledge') {
      const ref = pledgeRef(input.newId());
      outcome.state.captured.pledge_ref = ref;
      o.events.push({ type: 'pledge_made', campaignId: campaign.id, amountCents: e.amountCents, frequency: e.frequency, ref });
    } else if (e.type === 'capture' && e.field !== 'pledge') o.events.push({ type: 'field_captured', field: e.field, value: e.value });
  }
  if (link) {
    const ref = outcome.state.captured.pledge_ref;
    o.events.push({ type: 'link_made', code: link.code, campaignId: campaign.id, pledgeRef: typeof ref === 'string' ? ref : null });
  }
  o.events.push({
    type: 'flow_stepped', conversationId, campaignId: campaign.id, keyword, stepIndex: outcome.state.stepIndex,
    attempts: outcome.state.attempts, captured: outcome.state.captured, expiresAt: expiresAt(input.now, campaign),
  });
  if (outcome.status === 'completed') o.events.push({ type: 'flow_ended', conversationId, status: 'completed' });
  // A supporter who completes the campaign's flow gets a referral code (once: the store finds it
  // again later); a reply carrying {{referral_code}} has its slot filled by the store.
  if (carriesCode || (campaignFlow && outcome.status === 'completed')) {
    const settings = campaign.referrals;
    const completed = campaignFlow && outcome.status === 'completed';
    o.events.push({
      type: 'referral_issued', campaignId: campaign.id,
      // The recruiter's language is not read here: the notice is in the campaign's default language.
      notice: completed && settings?.recruiterNotice ? systemText(campaign, 'friendJoined', languagesOf(campaign)[0]!, { count: COUNT_SLOT }) : null,
      askShow: completed && settings?.askShow ? systemText(campaign, 'showQuestion', lang) : null,
    });
  }
}

/**
 * The word after the keyword: a team's word (`JOIN NURSES`) tags the contact; a word shaped like
 * a code (`JOIN ANA7K`, `join ana7k please`) asks the store to credit its owner. A keyword alone,
 * or followed by an ordinary word ("JOIN chicago"), adds nothing: no lookup on the hot path.
 */
function keywordWordEvents(o: InboundOutcome, text: string, campaign: CampaignRuntime): void {
  const word = wordAfterKeyword(text);
  if (word === null) return;
  const team = teamByWord(campaign.referrals, word);
  if (team) {
    o.events.push({ type: 'team_joined', campaignId: campaign.id, team: team.word });
    return;
  }
  const code = normalizeCode(word);
  if (code) o.events.push({ type: 'referral_claimed', campaignId: campaign.id, code });
}

/**
 * A throttled number (over its flood limit) still gets compliance: these are acted on in full
 * (status, consent ledger, interrupted conversation) even in the middle of a flood.
 */
const HONOURED_WHEN_THROTTLED = new Set<HandledAs>(['opt_out', 'opt_in', 'help', 'advanced_opt_out']);

/**
 * The flood rule, a filter over the router's events. Compliance is honoured, but only a reply
 * confirming a change of consent goes out (the STOP confirmation, or START/YES re-subscribing an
 * opted-out or pending number): never 500 HELP answers to 500 HELPs. Anything else is recorded
 * as received and changes nothing.
 */
export function throttle(o: InboundOutcome, before: ContactStatus): InboundOutcome {
  if (HONOURED_WHEN_THROTTLED.has(o.handledAs)) {
    const keep = (e: InboundEvent) =>
      e.type !== 'reply' || e.purpose === 'opt_out_confirmation' || (o.handledAs === 'opt_in' && before !== 'subscribed');
    return { handledAs: o.handledAs, campaignId: o.campaignId, events: o.events.filter(keep) };
  }
  return { handledAs: 'throttled', campaignId: o.campaignId, events: [] };
}

export function decideInbound(input: InboundInput): InboundOutcome {
  const o = route(input);
  return input.throttled ? throttle(o, input.contact.status) : o;
}

const consent = (kind: ConsentKind, via: ConsentVia, keyword: string, campaignId: string): InboundEvent => ({
  type: 'consent_changed', kind, via, keyword, campaignId,
});

/**
 * What every rule sees: the input, and what the router works out once before the rules run (the
 * compliance word, the live waiting conversation and its step, conversations closed by expiry).
 */
export interface RouteContext {
  input: InboundInput;
  contact: ContactSnapshot;
  /** The campaign that answers compliance words: the waiting conversation's, else the sender's. */
  speaker: CampaignRuntime;
  /** The waiting conversation as the text found it (before expiry), for the carrier and compliance rules. */
  openConversation: ConversationSnapshot | null;
  /** The live waiting conversation (null when there is none, or it expired or lost its flow). */
  conversation: ConversationSnapshot | null;
  /** The live conversation's flow: the broadcast's when a broadcast opened it, else its campaign's. */
  conversationFlow: Flow | null;
  /** The step the live conversation waits on. */
  waitingStep: Step | undefined;
  compliance: ReturnType<typeof classifyCompliance>;
  /** The language to answer this contact in on the speaker's campaign (theirs if listed, else its default). */
  lang: Lang;
  /** flow_ended events for a conversation that expired or lost its flow (every outcome after compliance carries them). */
  closed: InboundEvent[];
}

/** One row of the precedence table: an outcome if this rule claims the text, else null. */
export interface RouteRule {
  name: string;
  decide(ctx: RouteContext): InboundOutcome | null;
}

// answersWaitingStep lives in its own module so rule files can import it without an import cycle
// through this one (a rule module loaded first would otherwise see RULES built from undefined).
export { answersWaitingStep } from './answers-waiting';
import { answersWaitingStep } from './answers-waiting';

const interrupt = (o: InboundOutcome, id: string) => o.events.push({ type: 'flow_ended', conversationId: id, status: 'interrupted' });

/** Twilio Advanced Opt-Out already handled a compliance word and replied itself. */
const carrierOptOut: RouteRule = {
  name: 'carrier_opt_out',
  decide({ input, speaker, openConversation }) {
    if (!input.optOutType) return null;
    const o = blank('advanced_opt_out', speaker);
    const kind = input.optOutType === 'STOP' ? 'opt_out' : input.optOutType === 'START' ? 'opt_in' : 'help';
    o.events.push(consent(kind, 'twilio', input.text.trim().toUpperCase().slice(0, 40) || input.optOutType, speaker.id));
    if (kind === 'opt_out' && openConversation) interrupt(o, openConversation.id);
    return o;
  },
};

/**
 * The language of a compliance reply: AYUDA is answered in Spanish, HELP in English unless the
 * contact chose a language; STOP/START in the contact's language, else in the word's (ALTO:
 * Spanish), else the campaign default. Only languages the campaign lists are spoken.
 */
function complianceLanguage(contact: ContactSnapshot, speaker: CampaignRuntime, keyword: string, kind: string): Lang {
  const word = languageOfComplianceWord(keyword);
  if (kind === 'help' && word === 'es') return languageFor('es', speaker);
  return languageFor(contact.language ?? word, speaker);
}

/** STOP / HELP / START (and YES where it is not an answer), at any moment. */
const complianceWords: RouteRule = {
  name: 'compliance_words',
  decide({ contact, speaker, openConversation, compliance }) {
    const lang = compliance ? complianceLanguage(contact, speaker, compliance.keyword, compliance.kind) : languagesOf(speaker)[0]!;
    if (compliance?.kind === 'opt_out') {
      const o = blank('opt_out', speaker);
      o.events.push(consent('opt_out', 'keyword', compliance.keyword, speaker.id));
      if (openConversation) interrupt(o, openConversation.id);
      // One confirmation, only on the transition: a second STOP gets silence.
      if (contact.status !== 'opted_out') o.events.push({ type: 'reply', body: optOutConfirmation(speaker, lang), purpose: 'opt_out_confirmation' });
      return o;
    }
    if (compliance?.kind === 'help') {
      const o = blank('help', speaker);
      o.events.push(consent('help', 'keyword', compliance.keyword, speaker.id));
      o.events.push({ type: 'reply', body: helpReply(speaker, lang), purpose: 'help' });
      return o;
    }
    if (compliance?.kind === 'opt_in') {
      const o = blank('opt_in', speaker);
      o.events.push(consent('opt_in', 'keyword', compliance.keyword, speaker.id));
      o.events.push({ type: 'reply', body: startConfirmation(speaker, lang), purpose: 'reply' });
      return o;
    }
    return null;
  },
};

/**
 * A keyword as the first word (re)starts its flow, even mid-conversation: nobody's first name
 * or ZIP begins with JOIN, and a confused person re-texting JOIN should start over. Except when
 * the text answers the waiting yes/no, choice or free-text question (answerBeatsKeyword).
 */
const keyword: RouteRule = {
  name: 'keyword',
  decide(ctx) {
    const { input, contact, conversation, waitingStep, closed } = ctx;
    const hit = input.keywords.match(input.text);
    if (!hit || (conversation && waitingStep && answerBeatsKeyword(waitingStep, input.text, hit.alone))) return null;
    const campaign = hit.campaign;
    const o = blank('flow_start', campaign);
    o.events.push(...closed);
    if (conversation) interrupt(o, conversation.id);
    o.events.push(consent('opt_in', 'keyword', hit.matched, campaign.id));
    // The word texted sets the supporter's language (ÚNETE: Spanish); a word without one keeps theirs.
    if (hit.language && hit.language !== contact.language) o.events.push({ type: 'language_set', language: hit.language });
    const lang = languageFor(hit.language ?? contact.language, campaign);
    const vars = flowVars(contact, campaign, hit.keyword, lang);
    const link = donationLink(input, campaign, vars);
    if (!hit.alone) keywordWordEvents(o, input.text, campaign);
    const outcome = startFlow(campaign.flow, vars, optInConfirmation(campaign, lang), { lang, fallback: languagesOf(campaign)[0]! });
    const id = input.newId();
    o.events.push({ type: 'flow_started', conversationId: id, campaignId: campaign.id, keyword: hit.keyword });
    flowEvents(o, input, campaign, hit.keyword, outcome, id, link, true, lang);
    return o;
  },
};

/** Not a keyword, not START: an opted-out number gets nothing back, but people may read it. */
const optedOutIgnored: RouteRule = {
  name: 'opted_out_ignored',
  decide({ contact, speaker, closed }) {
    if (contact.status !== 'opted_out') return null;
    const o = blank('opted_out_ignored', speaker);
    o.events.push(...closed);
    if (contact.known) o.events.push({ type: 'inbox_item', campaignId: speaker.id, autoReply: null });
    return o;
  },
};

/** The answer (valid or not) to the waiting step, on its broadcast's flow when a broadcast opened it. */
const waitingConversation: RouteRule = {
  name: 'waiting_conversation',
  decide({ input, contact, conversation, conversationFlow, closed }) {
    const campaign = input.conversationCampaign;
    if (!conversation || !campaign || !conversationFlow) return null;
    const o = blank('flow_resume', campaign);
    o.events.push(...closed);
    const lang = languageFor(contact.language, campaign);
    // Any flow may show the supporter's code (the slot is in flowVars); only the campaign's own
    // sign-up flow issues one by completing.
    const vars = flowVars(contact, campaign, conversation.keyword, lang);
    // A broadcast's flow has no donation link of its campaign (its own links are a follow-up).
    const link = conversation.broadcastId ? false : donationLink(input, campaign, vars);
    const signUpFlow = !conversation.broadcastId && !conversation.sequenceId;
    const state = { stepIndex: conversation.stepIndex, attempts: conversation.attempts, captured: conversation.captured };
    const outcome = resumeFlow(conversationFlow, state, input.text, vars, { lang, fallback: languagesOf(campaign)[0]! });
    const broadcastId = conversation.broadcastId;
    const step = conversationFlow.steps[conversation.stepIndex];
    if (broadcastId && step) {
      // The answer to a broadcast's question, counted per step (its value as branches name it).
      for (const e of outcome.effects) {
        if (e.type !== 'capture') continue;
        const value = e.field === 'pledge' && typeof e.value === 'number' ? formatCents(e.value) : answerKey(e.value);
        o.events.push({ type: 'broadcast_answered', broadcastId, stepId: step.id, value });
      }
    }
    flowEvents(o, input, campaign, conversation.keyword, outcome, conversation.id, link, signUpFlow, lang);
    return o;
  },
};

/**
 * Nothing claimed it and we know this number: a person should read it (the inbox), and the
 * campaign's auto-reply (if on) says so, at most once a day (applied by the store).
 */
const inboxItem: RouteRule = {
  name: 'inbox_item',
  decide({ input, contact, closed }) {
    if (!contact.known) return null;
    const o = blank('inbox', input.senderCampaign);
    o.events.push(...closed);
    const lang = languageFor(contact.language, input.senderCampaign);
    o.events.push({ type: 'inbox_item', campaignId: input.senderCampaign.id, autoReply: autoReplyFor(input.senderCampaign, lang) });
    return o;
  },
};

/** A number we have never seen: tell it how to join. */
const joinInstructions: RouteRule = {
  name: 'join_instructions',
  decide({ input, contact, closed }) {
    const o = blank('default', input.senderCampaign);
    o.events.push(...closed);
    o.events.push({ type: 'reply', body: defaultReply(input.senderCampaign, languageFor(contact.language, input.senderCampaign)), purpose: 'reply' });
    return o;
  },
};

/** PAUSE / SKIP (src/core/rules/reminder-commands.ts), yielding to a valid answer to the waiting step. */
const reminderCommands: RouteRule = createReminderCommands((ctx) => answersWaitingStep(ctx));

/** PAGE / GOAL n / SHOW (src/core/rules/referral-commands.ts), yielding to a valid answer to the waiting step. */
const referralCommands: RouteRule = createReferralCommands((ctx) => answersWaitingStep(ctx));

/**
 * THE PRECEDENCE TABLE: the one place that decides which meaning of a text wins when several
 * features could claim it (docs/conversation.md, "Rules the router follows, in order"). The
 * first rule that returns an outcome decides. Slots for features marked below keep their place
 * in this order; a rule below the keyword that claims ordinary words (an option, a number, a
 * command word) yields to a valid answer to the supporter's own waiting question
 * (answersWaitingStep), so "2" answers "Which group? 1 Nurses 2 Students" before it votes.
 */
export const RULES: readonly RouteRule[] = [
  carrierOptOut,
  complianceWords,
  // ESPAÑOL / ENGLISH: answered in the new language, the flow kept where it was (src/core/rules/language-switch.ts).
  languageSwitchRule,
  keyword,
  // slot: live votes — an open poll's option on this sender, then a bare idea number while idea
  //       voting is open; counted for an opted-out number too, without a reply.
  liveVotes,
  optedOutIgnored,
  // slot: supporter commands — PAGE, GOAL n, SHOW (referrals); PAUSE / SKIP (reminders);
  //       IDEA <text>, VOTE n (ideas window).
  ideaCommands,
  reminderCommands,
  referralCommands,
  waitingConversation,
  inboxItem,
  joinInstructions,
];

function contextOf(input: InboundInput): RouteContext {
  const { contact } = input;
  const openConversation = input.conversation;
  const speaker = input.conversationCampaign ?? input.senderCampaign;
  // A broadcast or a sequence's step that asks opened it: its own flow; else the campaign's.
  const asked = !!openConversation?.broadcastId || !!openConversation?.sequenceId;
  const flow: Flow | null = asked ? (input.broadcastFlow ?? null) : (input.conversationCampaign?.flow ?? null);
  const nowIso = input.now.toISOString();
  const live = !!openConversation && !!input.conversationCampaign && !!flow && openConversation.expiresAt > nowIso;
  const step = openConversation && flow ? flow.steps[openConversation.stepIndex] : undefined;
  let compliance = classifyCompliance(input.text);
  // YES is an opt-in word, except as an answer: to a yes/no question, or to any open question a
  // broadcast asked a subscribed supporter (who would otherwise get the opt-in confirmation again).
  // An expired question is not open: YES after it is an opt-in word again.
  const yesIsAnAnswer = live && (step?.validate.type === 'yesno' || (asked && contact.status === 'subscribed'));
  if (!compliance && !yesIsAnAnswer) {
    const yes = isConditionalOptIn(input.text);
    if (yes) compliance = { kind: 'opt_in', keyword: yes };
  }
  const closed: InboundEvent[] = [];
  if (openConversation && !live) {
    const status = openConversation.expiresAt <= nowIso ? 'expired' : 'interrupted';
    closed.push({ type: 'flow_ended', conversationId: openConversation.id, status });
  }
  return {
    input, contact, speaker, openConversation, compliance, closed, lang: languageFor(contact.language, speaker),
    conversation: live ? openConversation : null,
    conversationFlow: live ? flow : null,
    waitingStep: live ? step : undefined,
  };
}

function route(input: InboundInput): InboundOutcome {
  const ctx = contextOf(input);
  for (const rule of RULES) {
    const o = rule.decide(ctx);
    if (o) return o;
  }
  // joinInstructions always answers; this is unreachable.
  throw new Error('no routing rule claimed the text');
}

/**
 * Keyword or answer? A keyword as the first word normally (re)starts its flow. While a question
 * waits, these texts are answers instead: a valid answer to a yes/no or choice question (the
 * organizer offered that word: "1 RALLY 2 PHONES"), and a free-text answer that merely begins
 * with a keyword ("Rally for housing"); only the keyword alone ("JOIN") starts its flow there.
 */
function answerBeatsKeyword(step: Step, text: string, keywordAlone: boolean): boolean {
  const type = step.validate.type;
  if (type === 'yesno' || type === 'choice') return validateAnswer(step, text).ok;
  if (type === 'text') return !keywordAlone;
  return false;
}
