/**
 * Compliance through the real app: Advanced Opt-Out payloads, the consent ledger, the outbox gate,
 * and the keyword table for senders and aliases.
 */
import { nextSid, signedPost, testApp, text, admin, type TestApp } from '../helpers/app';
import { loadForm } from '../helpers/fixtures';
import { twimlMessages } from '../../src/twilio/rehearse';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

const db = () => t.ctx.db.sqlite;
const contact = (phone: string) => db().prepare('SELECT * FROM contacts WHERE phone = ?').get(phone) as Record<string, unknown>;
const ledger = (phone: string) =>
  db().prepare('SELECT kind, via, keyword, message_sid, sender FROM consent_events WHERE phone = ? ORDER BY at, rowid').all(phone);

describe('Twilio Advanced Opt-Out (OptOutType)', () => {
  it('STOP: records the event, opts out, interrupts the flow, answers an empty <Response/>', async () => {
    const from = '+17067815146';
    await text(t.app, from, 'JOIN');
    const res = await signedPost(t.app, '/twilio/sms', loadForm('inbound-advanced-optout-stop'));
    expect(res.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(contact(from).status).toBe('opted_out');
    expect(ledger(from).at(-1)).toEqual({ kind: 'opt_out', via: 'twilio', keyword: 'STOP', message_sid: 'SMa1b2c3d4e5f60718293a4b5c6d7e8f90', sender: '62262' });
    expect((db().prepare('SELECT status FROM conversations').get() as { status: string }).status).toBe('interrupted');
  });

  it('START and HELP: recorded, status follows, nothing said (Twilio already replied)', async () => {
    const from = '+17067815146';
    await signedPost(t.app, '/twilio/sms', loadForm('inbound-advanced-optout-stop'));
    const start = await signedPost(t.app, '/twilio/sms', loadForm('inbound-advanced-optout-start'));
    expect(twimlMessages(start.text)).toEqual([]);
    expect(contact(from).status).toBe('subscribed');
    const help = await signedPost(t.app, '/twilio/sms', loadForm('inbound-advanced-optout-help'));
    expect(twimlMessages(help.text)).toEqual([]);
    expect(ledger(from).map((e) => (e as { kind: string }).kind)).toEqual(['opt_out', 'opt_in', 'help']);
  });
});

describe('the consent ledger and the outbox gate', () => {
  it('keeps evidence of every opt-in, opt-out and help request with keyword and MessageSid', async () => {
    const from = '+13125550100';
    const sid = nextSid();
    await signedPost(t.app, '/twilio/sms', loadForm('inbound-shortcode', { From: from, Body: 'rally', MessageSid: sid }));
    await text(t.app, from, 'help');
    await text(t.app, from, 'Stop texting me');
    const events = ledger(from) as { kind: string; keyword: string; message_sid: string }[];
    expect(events.map((e) => [e.kind, e.keyword])).toEqual([['opt_in', 'RALLY'], ['help', 'HELP'], ['opt_out', 'STOP TEXTING ME']]);
    expect(events[0]!.message_sid).toBe(sid);
    expect(contact(from).opted_out_at).toEqual(expect.any(String));
  });

  it('after STOP, no path produces a text: suppressed rows are recorded, never sent', async () => {
    const from = '+13125550100';
    await text(t.app, from, 'JOIN');
    expect(await text(t.app, from, 'STOP')).toHaveLength(1);
    for (const body of ['Ana', 'HELP', 'hello', 'STOP', '60601', 'stop texting me']) {
      expect(await text(t.app, from, body)).toEqual([]);
    }
    const rows = db().prepare("SELECT purpose, status FROM outbound_messages WHERE status != 'twiml'").all();
    expect(rows).toEqual([{ purpose: 'help', status: 'suppressed' }]);
    expect(contact(from).status).toBe('opted_out');
  });

  it('a second STOP gets no second confirmation, and opted_out_at keeps the first time', async () => {
    const from = '+13125550100';
    await text(t.app, from, 'STOP');
    const first = contact(from).opted_out_at;
    t.clock.advance(3_600_000);
    expect(await text(t.app, from, 'STOP')).toEqual([]);
    expect(contact(from).opted_out_at).toBe(first);
  });
});

describe('keyword table', () => {
  beforeEach(async () => {
    const res = await admin(t.app).post('/api/campaigns', {
      name: 'Chicago', programName: 'Chi Team', sender: '+13125550199', supportContact: 'chi@example.org',
      keywords: [{ word: 'JOIN', aliases: ['UNETE'] }, { word: 'VOLUNTEER', aliases: ['VOL'] }],
      flow: { steps: [], completion: 'See you at {{keyword}} HQ!' },
    });
    expect(res.status).toBe(201);
  });

  test.each([
    ['62262', 'JOIN', 'Rally Alerts: Thanks'],
    ['62262', 'join', 'Rally Alerts: Thanks'],
    ['62262', '  Join!! ', 'Rally Alerts: Thanks'],
    ['62262', 'RALLY', 'Rally Alerts: Thanks'],
    ['62262', 'join chicago', 'Rally Alerts: Thanks'],
    ['62262', 'JOIN, please', 'Rally Alerts: Thanks'],
    ['62262', 'joined', 'Rally Alerts: Text JOIN to 62262'],
    ['62262', 'VOLUNTEER', 'Rally Alerts: Text JOIN to 62262'],
    ['+13125550199', 'JOIN', 'Chi Team: Thanks'],
    ['+13125550199', 'unete', 'Chi Team: Thanks'],
    ['+13125550199', 'vol', 'Chi Team: Thanks'],
    ['+13125550199', 'RALLY', 'Chi Team: Text JOIN to +13125550199'],
    ['+13125550199', '¿que?', 'Chi Team: Text JOIN to +13125550199'],
  ])('to %s, %j → %j…', async (to, body, start) => {
    const replies = await text(t.app, '+13125550100', body, {}, to);
    expect(replies[0]!.startsWith(start)).toBe(true);
  });

  it('an alias shares its primary keyword in the completion message', async () => {
    const replies = await text(t.app, '+13125550100', 'vol', {}, '+13125550199');
    expect(replies[0]).toContain('See you at VOLUNTEER HQ!');
  });

  it('keywords are per sender: the same word on two senders starts two different campaigns', async () => {
    await text(t.app, '+13125550100', 'JOIN', {}, '62262');
    await text(t.app, '+13125550100', 'JOIN', {}, '+13125550199');
    const members = db().prepare('SELECT DISTINCT campaign_id FROM campaign_members').all();
    expect(members).toHaveLength(2);
  });
});
