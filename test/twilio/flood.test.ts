/**
 * Per-number flood throttle through the real HTTP app and database, with the injected clock:
 * a phone sending 500 texts in 10 s is answered a couple of dozen times at most, everyone else
 * is answered as usual, and STOP/START/HELP keep working in the middle of the flood.
 */
import { testApp, text, type TestApp } from '../helpers/app';

const FLOODER = '+13125550177';
const NEIGHBOUR = '+13125550188';

describe('inbound flood from one number', () => {
  let t: TestApp;
  const db = () => t.ctx.db.sqlite;
  const count = (sql: string, ...args: unknown[]) => (db().prepare(sql).get(...args) as { n: number }).n;
  const contact = (phone: string) => db().prepare('SELECT id, status, first_name FROM contacts WHERE phone = ?').get(phone) as { id: string; status: string; first_name: string | null };

  beforeEach(() => {
    t = testApp({ INBOUND_PER_NUMBER_PER_MINUTE: '20' });
  });
  afterEach(() => t.close());

  test('500 texts in 10 s: ~14 answered, every one recorded, a neighbour unaffected, one log line', async () => {
    let answered = 0;
    for (let i = 0; i < 500; i++) {
      const replies = await text(t.app, FLOODER, i === 0 ? 'JOIN' : `spam ${i}`);
      answered += replies.length;
      t.clock.advance(20);
      if (i % 100 === 50) {
        // Someone else at the same rally, mid-flood: answered normally.
        expect(await text(t.app, NEIGHBOUR, i === 50 ? 'JOIN' : 'Maya')).toHaveLength(1);
      }
    }
    // Within the limit (a burst of 20, then one every 3 s over the 10 s): the flow's replies until
    // three strikes end it, then unclaimed texts go to the inbox, whose auto-reply goes once a day.
    expect(answered).toBe(14);
    const flooder = contact(FLOODER);
    expect(count('SELECT count(*) AS n FROM inbound_messages WHERE contact_id = ?', flooder.id)).toBe(500);
    expect(count("SELECT count(*) AS n FROM inbound_messages WHERE contact_id = ? AND handled_as = 'throttled'", flooder.id)).toBe(477);
    expect(count("SELECT count(*) AS n FROM outbound_messages WHERE contact_id = ? AND status = 'twiml'", flooder.id)).toBe(14);
    expect(count("SELECT count(*) AS n FROM inbound_messages WHERE contact_id = ? AND handled_as = 'inbox'", flooder.id)).toBe(10); // 23 let through − 13 flow texts
    expect(contact(NEIGHBOUR).first_name).toBe('Maya');
    const floodLogs = t.logs.filter((l) => l.includes('over its inbound limit'));
    expect(floodLogs).toHaveLength(1);
    expect(floodLogs[0]).not.toContain(FLOODER); // masked
  });

  test('a throttled text changes nothing: no flow step, no capture', async () => {
    await text(t.app, FLOODER, 'JOIN');
    for (let i = 0; i < 19; i++) await text(t.app, FLOODER, 'HELP'); // answered, flow stays at the name step
    expect(await text(t.app, FLOODER, 'Ana')).toEqual([]); // throttled: not taken as the name
    expect(contact(FLOODER).first_name).toBeNull();
    t.clock.advance(60_000);
    expect(await text(t.app, FLOODER, 'Ana')).toEqual(['Thanks, Ana! What is your 5-digit ZIP code?']);
  });

  test('STOP inside a flood opts out at once with one confirmation; HELP is recorded, not answered 500 times', async () => {
    await text(t.app, FLOODER, 'JOIN');
    for (let i = 0; i < 100; i++) await text(t.app, FLOODER, `spam ${i}`);
    expect(await text(t.app, FLOODER, 'HELP')).toEqual([]);
    const stop = await text(t.app, FLOODER, 'STOP');
    expect(stop).toHaveLength(1);
    expect(stop[0]).toMatch(/unsubscribed|no more/i);
    expect(contact(FLOODER).status).toBe('opted_out');
    for (let i = 0; i < 50; i++) expect(await text(t.app, FLOODER, i % 2 ? 'STOP' : 'HELP')).toEqual([]);
    const kinds = db()
      .prepare('SELECT kind, count(*) AS n FROM consent_events WHERE contact_id = ? GROUP BY kind ORDER BY kind')
      .all(contact(FLOODER).id);
    expect(kinds).toEqual([
      { kind: 'help', n: 26 },
      { kind: 'opt_in', n: 1 },
      { kind: 'opt_out', n: 26 },
    ]);
    // START re-subscribes even while throttled, and confirms it once.
    const start = await text(t.app, FLOODER, 'START');
    expect(start).toHaveLength(1);
    expect(contact(FLOODER).status).toBe('subscribed');
    expect(await text(t.app, FLOODER, 'START')).toEqual([]);
  });

  test('Twilio Advanced Opt-Out inside a flood is recorded too', async () => {
    for (let i = 0; i < 40; i++) await text(t.app, FLOODER, `hello ${i}`);
    await text(t.app, FLOODER, 'STOP', { OptOutType: 'STOP' });
    expect(contact(FLOODER).status).toBe('opted_out');
  });
});
