/** The rehearsal simulator's test numbers and conversation log on SQLite (see repository.ts). */
import { sql, type Selectable } from 'kysely';
import type { IdGenerator } from '../../core/clock';
import type { OutboundMessagesTable } from '../database';
import type { InboundMessagesTable } from '../inbound/tables';
import type { SqliteDb } from '../sqlite/db';
import type { Bubble, RehearsalRepository } from './repository';

type Inbound = Pick<Selectable<InboundMessagesTable>, 'id' | 'body' | 'received_at'>;
type Reply = Pick<Selectable<OutboundMessagesTable>, 'body' | 'status' | 'created_at'>;

export class SqliteRehearsal implements RehearsalRepository {
  constructor(private readonly db: SqliteDb) {}

  async claimTestNumber(phone: string, run: { now: Date; newId: IdGenerator }): Promise<'ok' | 'real_contact'> {
    const { db } = this;
    const at = run.now.toISOString();
    return db.tx(() => {
      db.run(
        db.db
          .insertInto('contacts')
          .values({ id: run.newId(), phone, status: 'pending', fields: '{}', undeliverable: 0, is_test: 1, created_at: at, updated_at: at })
          .onConflict((oc) => oc.column('phone').doNothing()),
      );
      const row = db.first(db.db.selectFrom('contacts').select('is_test').where('phone', '=', phone));
      return row?.is_test === 1 ? 'ok' : 'real_contact';
    });
  }

  async log(phone: string, sender: string, limit = 60): Promise<Bubble[]> {
    const { db } = this;
    const inbound: Inbound[] = db
      .all(
        db.db
          .selectFrom('inbound_messages as i')
          .innerJoin('contacts as c', 'c.id', 'i.contact_id')
          .select(['i.id', 'i.body', 'i.received_at'])
          .where('c.phone', '=', phone)
          .where('c.is_test', '=', 1)
          .where('i.sender', '=', sender)
          .orderBy(sql`i.rowid`, 'desc')
          .limit(limit),
      )
      .reverse();
    const out: Bubble[] = [];
    for (const i of inbound) {
      out.push({ from: 'me', body: i.body, suppressed: false, at: i.received_at });
      const replies: Reply[] = db.all(
        db.db.selectFrom('outbound_messages').select(['body', 'status', 'created_at']).where('inbound_id', '=', i.id).orderBy('position'),
      );
      for (const r of replies) out.push({ from: 'them', body: r.body, suppressed: r.status === 'suppressed', at: r.created_at });
    }
    return out;
  }
}
