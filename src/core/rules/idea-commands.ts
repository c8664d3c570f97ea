/**
 * The ideas window's supporter commands, at the router's commands slot (after the opted-out
 * rule, before the waiting conversation): `IDEA <text>` submits an idea to the moderation queue,
 * `VOTE 12` votes for approved idea 12 (up to three per phone per window). A valid answer to the
 * supporter's own waiting question wins (answersWaitingStep). Outside a window (or a moment after
 * it closed) the words fall through to the normal rules.
 */
import {
  checkIdea, ideaAlreadyVoted, ideaCommand, ideaVoteCounted, IDEA_RECEIVED, IDEA_REFUSED, IDEA_VOTES_USED, IDEAS_CLOSED, noSuchIdea, VOTE_HOW,
} from '../ideas';
import type { HandledAs, InboundOutcome } from '../inbound-events';
import type { RouteContext, RouteRule } from '../inbound';
import { answersWaitingStep } from '../answers-waiting';
import { IDEA_VOTES_PER_WINDOW, type IdeasView } from '../voting';

/** An outcome for this rule's campaign, carrying the closing of an expired conversation. */
export function votingOutcome(ctx: RouteContext, handledAs: HandledAs, campaignId: string, reply: string | null): InboundOutcome {
  const o: InboundOutcome = { handledAs, campaignId, events: [...ctx.closed] };
  // An opted-out number is counted but never answered.
  if (reply !== null && ctx.contact.status !== 'opted_out') o.events.push({ type: 'reply', body: reply, purpose: 'reply' });
  return o;
}

/** A vote for idea `n` of an open window: counted once per idea, up to three per phone. */
export function ideaVote(ctx: RouteContext, ideas: IdeasView, n: number): InboundOutcome {
  const ideaId = ideas.byNumber.get(n);
  if (ideaId === undefined) return votingOutcome(ctx, 'idea_vote', ideas.campaignId, noSuchIdea(n));
  const mine = ctx.input.voting?.voter.ideaVotes ?? [];
  if (mine.includes(ideaId)) return votingOutcome(ctx, 'idea_vote', ideas.campaignId, ideaAlreadyVoted(n));
  if (mine.length >= IDEA_VOTES_PER_WINDOW) return votingOutcome(ctx, 'idea_vote', ideas.campaignId, IDEA_VOTES_USED);
  const o = votingOutcome(ctx, 'idea_vote', ideas.campaignId, ideaVoteCounted(n, mine.length + 1));
  o.events.push({ type: 'idea_voted', windowId: ideas.windowId, ideaId });
  return o;
}

export const ideaCommands: RouteRule = {
  name: 'idea_commands',
  decide(ctx) {
    const ideas = ctx.input.voting?.view.ideas;
    if (!ideas) return null;
    const cmd = ideaCommand(ctx.input.text);
    if (!cmd || answersWaitingStep(ctx)) return null;
    if (!ideas.open) return votingOutcome(ctx, 'ideas_closed', ideas.campaignId, IDEAS_CLOSED);
    if (cmd.kind === 'vote') {
      if (cmd.number === null) return votingOutcome(ctx, 'idea_vote', ideas.campaignId, VOTE_HOW);
      return ideaVote(ctx, ideas, cmd.number);
    }
    const check = checkIdea(cmd.text);
    if (!check.ok) return votingOutcome(ctx, 'idea', ideas.campaignId, check.reply);
    const o = votingOutcome(ctx, 'idea', ideas.campaignId, check.status === 'rejected' ? IDEA_REFUSED : IDEA_RECEIVED);
    o.events.push({ type: 'idea_submitted', windowId: ideas.windowId, campaignId: ideas.campaignId, text: cmd.text, status: check.status, flag: check.flag });
    return o;
  },
};
