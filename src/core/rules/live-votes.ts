/**
 * Live votes, at the router's slot right after the keyword (docs/conversation.md, "When features
 * compete for the same text"): a text that is an option of the poll open on this sender is that
 * phone's vote (a later one replaces it), then a bare number that is an approved idea while idea
 * voting is open. A vote from an opted-out number is counted and never answered; voting
 * subscribes nobody (no consent event). Both yield to a valid answer to the supporter's own
 * waiting question: "2" answers "1 Nurses 2 Students" first, while "2" to a ZIP question votes.
 * A bare number that names no option gets "Reply 1, 2 or 3" once; an option a moment after the
 * poll closed gets "Voting has closed" and is not counted.
 */
import { bareNumber } from '../ideas';
import type { RouteRule } from '../inbound';
import { answersWaitingStep } from '../answers-waiting';
import { looksLikeVote, optionOf, pollHint, voteConfirmation, VOTING_CLOSED } from '../polls';
import { ideaVote, votingOutcome } from './idea-commands';

export const liveVotes: RouteRule = {
  name: 'live_votes',
  decide(ctx) {
    const voting = ctx.input.voting;
    if (!voting) return null;
    const { text } = ctx.input;
    const { poll, ideas } = voting.view;
    const number = ideas?.open ? bareNumber(text) : null;
    const ideaNumber = number !== null && ideas!.byNumber.has(number) ? number : null;
    if (poll) {
      const option = optionOf(poll, text);
      const stray = option === null && poll.open && ideaNumber === null && looksLikeVote(text);
      if ((option !== null || stray) && !answersWaitingStep(ctx)) {
        if (!poll.open) return votingOutcome(ctx, 'poll_closed', poll.campaignId, VOTING_CLOSED);
        const before = voting.voter.pollVote;
        if (option === null) {
          // Once per phone per poll; after that a stray number is recorded and left alone.
          if (before?.hinted) return votingOutcome(ctx, 'poll_hint', poll.campaignId, null);
          const o = votingOutcome(ctx, 'poll_hint', poll.campaignId, pollHint(poll));
          o.events.push({ type: 'poll_hinted', pollId: poll.id });
          return o;
        }
        const replaced = before?.optionIndex !== null && before?.optionIndex !== undefined;
        const label = poll.options[option]!.label;
        const reply = voteConfirmation(label, replaced, ctx.contact.status === 'subscribed', poll.joinWord, poll.programName);
        const o = votingOutcome(ctx, 'poll_vote', poll.campaignId, reply);
        o.events.push({ type: 'poll_voted', pollId: poll.id, optionIndex: option });
        return o;
      }
    }
    if (ideaNumber !== null && !answersWaitingStep(ctx)) return ideaVote(ctx, ideas!, ideaNumber);
    return null;
  },
};
