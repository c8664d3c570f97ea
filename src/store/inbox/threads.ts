/**
 * Thread upkeep on the inbound hot path (both engines): called by the inbound repository inside
 * the text's transaction, and only for a text the router made an inbox item, so JOINs and flow
 * answers never touch these statements. One read (the thread's assignee and last auto-reply) and
 * one upsert: unread + 1, last text, reopened if it was done, the auto-reply time when one goes.
 */
import { sql } from 'kysely';
import { autoReplyDue } from '../../core/inbox';
import { param, query } from '../query';
import { exec, get, type Work } from '../work';
import type { InboxThread } from './tables';

export const THREAD_QUERIES = {
  current: query<Pick<InboxThread, 'assignee' | 'last_auto_reply_at'>, { contactId: string }>((k) =>
    k.selectFrom('inbox_threads').select(['assignee', 'last_auto_reply_at']).where('contact_id', '=', param<string>('contactId')),
  ),
  incoming: query<unknown, { contactId: string; campaignId: string; text: string; at: string; autoReplyAt: string | null }>((k) =>
    k
      .insertInto('inbox_threads')
      .values({
        contact_id: param('contactId'), campaign_id: param('campaignId'), status: sql.lit('open'), unread: sql.lit(1),
        first_unread_at: param('at'), last_text: param('text'), last_at: param('at'), assignee: null,
        last_auto_reply_at: param('autoReplyAt'), created_at: param('at'), updated_at: param('at'),
      })
      .onConflict((oc) =>
        oc.column('contact_id').doUpdateSet((eb) => ({
          campaign_id: eb.ref('excluded.campaign_id'),
          status: sql.lit('open'),
          unread: eb('inbox_threads.unread', '+', 1),
          first_unread_at: eb.fn.coalesce('inbox_threads.first_unread_at', eb.ref('excluded.first_unread_at')),
          last_text: eb.ref('excluded.last_text'),
          last_at: eb.ref('excluded.last_at'),
          last_auto_reply_at: eb.fn.coalesce(eb.ref('excluded.last_auto_reply_at'), 'inbox_threads.last_auto_reply_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      ),
  ),
};

export interface InboxItemApplied {
  /** The auto-reply to queue now (null: off, or one went to this number within 24 h). */
  autoReply: string | null;
  assignee: string | null;
}

/** Records an unclaimed text on its contact's thread (inside the caller's transaction). */
export function* recordInboxItem(
  contactId: string, item: { campaignId: string; autoReply: string | null }, text: string, at: string,
): Work<InboxItemApplied> {
  const before = yield* get(THREAD_QUERIES.current, { contactId });
  const autoReply = item.autoReply !== null && autoReplyDue(before?.last_auto_reply_at ?? null, at) ? item.autoReply : null;
  yield* exec(THREAD_QUERIES.incoming, { contactId, campaignId: item.campaignId, text, at, autoReplyAt: autoReply === null ? null : at });
  return { autoReply, assignee: before?.assignee ?? null };
}
