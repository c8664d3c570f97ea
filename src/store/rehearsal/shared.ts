/** The rehearsal simulator's test numbers and conversation log (both engines; see repository.ts). */
import { sql, type Selectable } from 'kysely';
import type { IdGenerator } from '../../core/clock';
import type { OutboundMessagesTable } from '../database';
import type { InboundMessagesTable } from '../inbound/tables';
import { all, first, run, type Runner, type Work } from '../work';
import type { Bubble, RehearsalRepository } from './repository';

type Inbound = Pick<Selectable<InboundMessagesTable>, 'id' | 'body' | 'received_at'>;
type Reply = Pick<Selectable<OutboundMessagesTable>, 'body' | 'status' | 'created_at'>;

export class RehearsalStore implements RehearsalRepository {
  constructor(private readonly db: Runner) {}

  async claimTestNumber(phone: string, r: { now: Date; newId: IdGenerator }): Promise<'ok' | 'real_contact'> {
    const k = this.db.k;
    const at = r.now.toISOString();
    return this.db.tx(
      (function* (): Work<'ok' | 'real_contact'> {
        yield* run(
          k.insertInto('contacts')
            .values({ id: r.newId(), phone, status: 'pending', fields: '{}', undeliverable: 0, is_test: 1, created_at: at, updated_at: at })
            .onConflict((oc) => oc.column('phone').doNothing()),
        );
        const row = yield* first(k.selectFrom('contacts').select('is_test').where('phone', '=', phone));
        return row?.is_test === 1 ? 'ok' : 'real_contact';
      })(),
    );
  }

  async log(phone: string, sender: string, limit = 60): Promise<Bubble[]> {
    const k = this.db.k;
    return this.db.read(
      (function* (): Work<Bubble[]> {
        const inbound: Inbound[] = (
          yield* all(
            k.selectFrom('inbound_messages as i')
              .innerJoin('contacts as c', 'c.id', 'i.contact_id')
              .select(['i.id', 'i.body', 'i.received_at'])
              .where('c.phone', '=', phone)
              .where('c.is_test', '=', 1)
              .where('i.sender', '=', sender)
              .orderBy(sql`i.rowid`, 'desc')
              .limit(limit),
          )
        ).reverse();
        const out: Bubble[] = [];
        for (const i of inbound) {
          out.push({ from: 'me', body: i.body, suppressed: false, at: i.received_at });
          const replies: Reply[] = yield* all(
            k.selectFrom('outbound_messages').select(['body', 'status', 'created_at']).where('inbound_id', '=', i.id).orderBy('position'),
          );
          for (const x of replies) out.push({ from: 'them', body: x.body, suppressed: x.status === 'suppressed', at: x.created_at });
        }
        return out;
      })(),
    );
  }
}
