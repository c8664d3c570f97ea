/**
 * A broadcast that asks opens a conversation for each recipient its text actually went to:
 * called in the transaction that records Twilio's acceptance (queued/sent), or that adopts a send
 * whose outcome was unknown. A recipient skipped, refused at the gate or failed gets none. The
 * recipient's previous waiting conversation on that sender is interrupted: the newest question
 * is the one a reply answers. Idempotent (one conversation per broadcast and recipient). Both engines.
 */
import { sql } from 'kysely';
import type { IdGenerator } from '../../core/clock';
import { HOUR_MS } from '../../core/clock';
import { param, query } from '../query';
import { exec, get, type Work } from '../work';

const SENT = new Set(['queued', 'sent', 'delivered']);

export const ASK_QUERIES = {
  asks: query<{ broadcast_id: string }, { bid: string }>((k) =>
    k.selectFrom('broadcast_flows').select('broadcast_id').where('broadcast_id', '=', param<string>('bid')),
  ),
  opened: query<{ conversation_id: string }, { bid: string; contact: string }>((k) =>
    k.selectFrom('broadcast_conversations').select('conversation_id')
      .where('broadcast_id', '=', param<string>('bid')).where('contact_id', '=', param<string>('contact')),
  ),
  recipient: query<{ campaign_id: string; keyword: string | null; sender: string; expiry_hours: number; status: string; recipient_status: string }, { bid: string; contact: string }>((k) =>
    k.selectFrom('broadcast_recipients as r')
      .innerJoin('campaigns as camp', 'camp.id', 'r.campaign_id')
      .innerJoin('contacts as c', 'c.id', 'r.contact_id')
      .select(['r.campaign_id', 'r.keyword', 'camp.sender', 'camp.expiry_hours', 'c.status', 'r.status as recipient_status'])
      .where('r.broadcast_id', '=', param<string>('bid')).where('r.contact_id', '=', param<string>('contact')),
  ),
  interruptWaiting: query<unknown, { contact: string; sender: string; now: string }>((k) =>
    k.updateTable('conversations').set({ status: 'interrupted', ended_at: param('now'), updated_at: param('now') })
      .where('contact_id', '=', param<string>('contact')).where('sender', '=', param<string>('sender'))
      .where('status', '=', sql.lit('waiting')),
  ),
  insertConversation: query<unknown, { id: string; contact: string; campaign: string; sender: string; keyword: string; expires: string; now: string }>((k) =>
    k.insertInto('conversations').values({
      id: param('id'), contact_id: param('contact'), campaign_id: param('campaign'), sender: param('sender'), keyword: param('keyword'),
      status: 'waiting', step_index: 0, attempts: 0, data: '{}', started_at: param('now'), updated_at: param('now'),
      expires_at: param('expires'), ended_at: null,
    }),
  ),
  link: query<unknown, { conversation: string; bid: string; contact: string; now: string }>((k) =>
    k.insertInto('broadcast_conversations').values({
      conversation_id: param('conversation'), broadcast_id: param('bid'), contact_id: param('contact'), created_at: param('now'),
    }),
  ),
};

/** Inside the caller's transaction. Returns the conversation's id, or null when none was opened. */
export function* openAskConversation(broadcastId: string, contactId: string, newId: IdGenerator, now: string): Work<string | null> {
  if (!(yield* get(ASK_QUERIES.asks, { bid: broadcastId }))) return null;
  const key = { bid: broadcastId, contact: contactId };
  if (yield* get(ASK_QUERIES.opened, key)) return null;
  const r = yield* get(ASK_QUERIES.recipient, key);
  // Opted out (or gone) between the send and this record, or a receipt already said it failed:
  // no question is waiting for them.
  if (!r || r.status !== 'subscribed' || !SENT.has(r.recipient_status)) return null;
  yield* exec(ASK_QUERIES.interruptWaiting, { contact: contactId, sender: r.sender, now });
  const id = newId();
  const expires = new Date(Date.parse(now) + Number(r.expiry_hours) * HOUR_MS).toISOString();
  yield* exec(ASK_QUERIES.insertConversation, { id, contact: contactId, campaign: r.campaign_id, sender: r.sender, keyword: r.keyword ?? '', expires, now });
  yield* exec(ASK_QUERIES.link, { conversation: id, ...key, now });
  return id;
}
