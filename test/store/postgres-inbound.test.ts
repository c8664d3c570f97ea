/**
 * The inbound hot path on PostgreSQL (the same repository code SQLite runs, src/store/inbound/
 * shared.ts, driven asynchronously): one transaction per text; texts from one number handled at
 * once, by one pool or by two (two gateway processes), never lose an update to the conversation
 * (row lock on the contact); a MessageSid replayed at once is recorded once (unique key, rerun).
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { InboundOutcome } from '../../src/core/inbound-events';
import { InboundStore } from '../../src/store/inbound/shared';
import type { InboundSnapshot, ReceivedText } from '../../src/store/inbound/repository';
import { migrateToLatest } from '../../src/store/migrations';
import { PgDb } from '../../src/store/postgres/db';
import { describeWithPostgres, postgresUrl } from '../helpers/postgres';

const AT = '2026-11-21T20:00:00.000Z';
const now = new Date(AT);
const newId = () => randomUUID();

/** A counting flow: the first text opts in and starts a conversation at n=0, each later one adds 1. */
function decide(s: InboundSnapshot): InboundOutcome {
  const step = (conversationId: string, n: number) => ({
    type: 'flow_stepped' as const, conversationId, campaignId: 'camp1', keyword: 'JOIN', stepIndex: 0, attempts: 0, captured: { n },
    expiresAt: '2099-01-01T00:00:00.000Z',
  });
  if (!s.conversation) {
    const id = `conv-${s.contact.id}`;
    return {
      handledAs: 'flow_start', campaignId: 'camp1',
      events: [
        { type: 'consent_changed', kind: 'opt_in', via: 'keyword', keyword: 'JOIN', campaignId: 'camp1' },
        { type: 'flow_started', conversationId: id, campaignId: 'camp1', keyword: 'JOIN' },
        step(id, 0),
        { type: 'reply', body: 'n=0', purpose: 'reply' },
      ],
    };
  }
  const n = Number(s.conversation.captured.n) + 1;
  return { handledAs: 'flow_resume', campaignId: 'camp1', events: [step(s.conversation.id, n), { type: 'reply', body: `n=${n}`, purpose: 'reply' }] };
}

const textFrom = (from: string, sid = `SM${randomUUID().replace(/-/g, '')}`): ReceivedText => ({
  messageSid: sid, from, to: '62262', body: 'hi', numMedia: 0, optOutType: null, fromState: null,
});

describeWithPostgres('the inbound hot path on PostgreSQL', () => {
  const schema = `rallytext_inbound_${process.pid}`;
  let admin: Client;
  let a: PgDb;
  let b: PgDb;

  beforeAll(async () => {
    admin = new Client({ connectionString: postgresUrl() });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    a = new PgDb(postgresUrl(), { schema, max: 6 });
    b = new PgDb(postgresUrl(), { schema, max: 6 });
    await migrateToLatest(a.db, 'postgres');
    await a.pool.query(
      `INSERT INTO campaigns (id, name, program_name, sender, frequency, support_contact, flow, created_at, updated_at)
       VALUES ('camp1', 'Rally', 'Rally alerts', '62262', 'f', 's', '{}', '${AT}', '${AT}')`,
    );
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  const counts = async (phone: string) => {
    const r = await a.pool.query(
      `SELECT (SELECT count(*) FROM contacts WHERE phone = $1) AS contacts,
              (SELECT count(*) FROM inbound_messages i JOIN contacts c ON c.id = i.contact_id WHERE c.phone = $1) AS inbound,
              (SELECT count(*) FROM outbound_messages o JOIN contacts c ON c.id = o.contact_id WHERE c.phone = $1 AND o.status = 'twiml') AS replies,
              (SELECT count(*) FROM consent_events WHERE phone = $1) AS consent,
              (SELECT max(v.data) FROM conversations v JOIN contacts c ON c.id = v.contact_id WHERE c.phone = $1 AND v.status = 'waiting') AS data`,
      [phone],
    );
    return r.rows[0] as { contacts: number; inbound: number; replies: number; consent: number; data: string };
  };

  it('one text: contact, inbound row, conversation, consent and the TwiML reply, committed', async () => {
    const r = await new InboundStore(a).handle(textFrom('+13125550100'), decide, { now, newId });
    expect(r).toMatchObject({ duplicate: false, handledAs: 'flow_start', replies: ['n=0'], suppressed: 0 });
    expect(await counts('+13125550100')).toEqual({ contacts: 1, inbound: 1, replies: 1, consent: 1, data: '{"n":0}' });
  });

  it('20 texts from one new number at once, split between two processes: taken in turn, no update lost', async () => {
    const phone = '+13125550101';
    const stores = [new InboundStore(a), new InboundStore(b)];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2]!.handle(textFrom(phone), decide, { now, newId })));
    const answers = results.map((r) => r.replies[0]).sort((x, y) => Number(x!.slice(2)) - Number(y!.slice(2)));
    expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => `n=${i}`));
    expect(await counts(phone)).toEqual({ contacts: 1, inbound: 20, replies: 20, consent: 1, data: '{"n":19}' });
  });

  it('one MessageSid delivered 6 times at once to two processes is recorded once; replays get the same replies', async () => {
    const phone = '+13125550102';
    const sid = `SM${randomUUID().replace(/-/g, '')}`;
    const stores = [new InboundStore(a), new InboundStore(b)];
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => stores[i % 2]!.handle(textFrom(phone, sid), decide, { now, newId })));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(results.every((r) => r.replies.join() === 'n=0')).toBe(true);
    expect(await counts(phone)).toEqual({ contacts: 1, inbound: 1, replies: 1, consent: 1, data: '{"n":0}' });
  });

  it('a failing text leaves nothing behind (one transaction)', async () => {
    const phone = '+13125550103';
    const broken = (): InboundOutcome => ({
      handledAs: 'flow_start', campaignId: 'camp1',
      events: [{ type: 'pledge_made', campaignId: 'no-such-campaign', amountCents: 500, frequency: 'monthly', ref: 'rtbroken' }],
    });
    await expect(new InboundStore(a).handle(textFrom(phone), broken, { now, newId })).rejects.toThrow(/foreign key/);
    expect(await counts(phone)).toEqual({ contacts: 0, inbound: 0, replies: 0, consent: 0, data: null });
  });
});
