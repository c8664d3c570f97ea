/**
 * The inbound text's part in live voting, inside the text's own transaction (called from
 * src/store/inbound/shared.ts): the phone's earlier votes (read only while a poll or an ideas
 * window is live on the sender) and writing what the router decided (a vote replaces the phone's
 * earlier one: one row per phone per poll). Prepared once per engine: this is the rally-night
 * hot path during a poll.
 */
import type { VoterState, VotingEvent } from '../../core/voting';
import { param, query } from '../query';
import { exec, get, list, type Work } from '../work';
import type { PollVotesTable } from './tables';

/** Which poll and ideas window the text may touch (from the in-memory voting registry). */
export interface VotingScope {
  pollId: string | null;
  windowId: string | null;
}

const Q = {
  pollVote: query<Pick<PollVotesTable, 'option_index' | 'hinted'>, { pollId: string; contactId: string }>((k) =>
    k.selectFrom('poll_votes').select(['option_index', 'hinted']).where('poll_id', '=', param<string>('pollId')).where('contact_id', '=', param<string>('contactId')),
  ),
  ideaVotes: query<{ idea_id: string }, { windowId: string; contactId: string }>((k) =>
    k.selectFrom('idea_votes').select('idea_id').where('window_id', '=', param<string>('windowId')).where('contact_id', '=', param<string>('contactId')),
  ),
  vote: query<unknown, { poll_id: string; contact_id: string; option_index: number; message_sid: string; voted_at: string }>((k) =>
    k
      .insertInto('poll_votes')
      .values({
        poll_id: param('poll_id'), contact_id: param('contact_id'), option_index: param('option_index'), hinted: 0,
        message_sid: param('message_sid'), voted_at: param('voted_at'),
      })
      .onConflict((oc) =>
        oc.columns(['poll_id', 'contact_id']).doUpdateSet((eb) => ({
          option_index: eb.ref('excluded.option_index'), message_sid: eb.ref('excluded.message_sid'), voted_at: eb.ref('excluded.voted_at'),
        })),
      ),
  ),
  hint: query<unknown, { poll_id: string; contact_id: string; message_sid: string; voted_at: string }>((k) =>
    k
      .insertInto('poll_votes')
      .values({ poll_id: param('poll_id'), contact_id: param('contact_id'), option_index: null, hinted: 1, message_sid: param('message_sid'), voted_at: param('voted_at') })
      .onConflict((oc) => oc.columns(['poll_id', 'contact_id']).doUpdateSet({ hinted: 1 })),
  ),
  idea: query<unknown, { id: string; campaign_id: string; window_id: string; contact_id: string; text: string; status: string; flag: string | null; message_sid: string; at: string }>((k) =>
    k.insertInto('ideas').values({
      id: param('id'), campaign_id: param('campaign_id'), window_id: param('window_id'), contact_id: param('contact_id'), number: null,
      text: param('text'), original_text: param('text'), status: param('status'), flag: param('flag'), merged_into: null,
      message_sid: param('message_sid'), created_at: param('at'), updated_at: param('at'),
    }),
  ),
  ideaVote: query<unknown, { idea_id: string; contact_id: string; window_id: string; message_sid: string; voted_at: string }>((k) =>
    k
      .insertInto('idea_votes')
      .values({ idea_id: param('idea_id'), contact_id: param('contact_id'), window_id: param('window_id'), message_sid: param('message_sid'), voted_at: param('voted_at') })
      .onConflict((oc) => oc.columns(['idea_id', 'contact_id']).doNothing()),
  ),
};

export const VOTING_QUERIES = Q;

/** The phone's earlier part in the live poll and ideas window (a new phone has none: no read). */
export function* voterState(scope: VotingScope, contactId: string, known: boolean): Work<VoterState> {
  if (!known) return { pollVote: null, ideaVotes: [] };
  const row = scope.pollId ? yield* get(Q.pollVote, { pollId: scope.pollId, contactId }) : undefined;
  const ideaVotes = scope.windowId ? (yield* list(Q.ideaVotes, { windowId: scope.windowId, contactId })).map((r) => r.idea_id) : [];
  return { pollVote: row ? { optionIndex: row.option_index === null ? null : Number(row.option_index), hinted: Number(row.hinted) === 1 } : null, ideaVotes };
}

/** Writes the votes, hints and ideas the router decided for this text. */
export function* applyVoting(contactId: string, events: readonly VotingEvent[], messageSid: string, at: string, newId: () => string): Work<void> {
  for (const e of events) {
    if (e.type === 'poll_voted') {
      yield* exec(Q.vote, { poll_id: e.pollId, contact_id: contactId, option_index: e.optionIndex, message_sid: messageSid, voted_at: at });
    } else if (e.type === 'poll_hinted') {
      yield* exec(Q.hint, { poll_id: e.pollId, contact_id: contactId, message_sid: messageSid, voted_at: at });
    } else if (e.type === 'idea_submitted') {
      yield* exec(Q.idea, {
        id: newId(), campaign_id: e.campaignId, window_id: e.windowId, contact_id: contactId, text: e.text, status: e.status, flag: e.flag,
        message_sid: messageSid, at,
      });
    } else {
      yield* exec(Q.ideaVote, { idea_id: e.ideaId, contact_id: contactId, window_id: e.windowId, message_sid: messageSid, voted_at: at });
    }
  }
}
