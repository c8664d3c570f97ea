/** Replays are harmless; two texts from one number in flight at once leave a consistent conversation. */
import { twimlMessages } from '../../src/twilio/rehearse';
import { nextSid, signedPost, testApp, text, type TestApp } from '../helpers/app';
import { loadForm } from '../helpers/fixtures';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

function snapshot() {
  const db = t.ctx.db.sqlite;
  const all = (sql: string) => db.prepare(sql).all();
  return {
    contacts: all('SELECT * FROM contacts ORDER BY id'),
    conversations: all('SELECT * FROM conversations ORDER BY id'),
    inbound: all('SELECT * FROM inbound_messages ORDER BY id'),
    outbound: all('SELECT * FROM outbound_messages ORDER BY id'),
    consent: all('SELECT * FROM consent_events ORDER BY id'),
    pledges: all('SELECT * FROM pledges ORDER BY id'),
    members: all('SELECT * FROM campaign_members ORDER BY contact_id'),
  };
}

describe('replaying a MessageSid', () => {
  it('returns the same reply and changes nothing, at every step of the flow', async () => {
    const from = '+13125550100';
    for (const body of ['JOIN', 'Ana', '60601', '$10', 'ana@example.org', 'STOP']) {
      const params = loadForm('inbound-shortcode', { From: from, Body: body, MessageSid: nextSid() });
      const first = await signedPost(t.app, '/twilio/sms', params);
      const before = snapshot();
      t.clock.advance(60_000);
      const replay = await signedPost(t.app, '/twilio/sms', params);
      expect(replay.status).toBe(200);
      expect(replay.text).toBe(first.text);
      expect(snapshot()).toEqual(before);
    }
    expect(snapshot().pledges).toHaveLength(1);
  });

  it('a replay after the contact opted out still returns only what was answered the first time', async () => {
    const params = loadForm('inbound-shortcode', { Body: 'JOIN', MessageSid: nextSid() });
    const first = await signedPost(t.app, '/twilio/sms', params);
    await text(t.app, params.From!, 'STOP');
    const replay = await signedPost(t.app, '/twilio/sms', params);
    expect(twimlMessages(replay.text)).toEqual(twimlMessages(first.text));
  });
});

describe('concurrent texts from one number', () => {
  it('apply one after the other: one conversation, both answers, consistent state', async () => {
    const from = '+13125550123';
    await text(t.app, from, 'JOIN');
    const [a, b] = await Promise.all([text(t.app, from, 'Ana'), text(t.app, from, '60601')]);
    expect([a[0], b[0]]).toEqual(["Thanks, Ana! What is your 5-digit ZIP code?", expect.stringContaining('chip in monthly')]);
    const s = snapshot();
    expect(s.conversations).toHaveLength(1);
    expect(s.conversations[0]).toMatchObject({ status: 'waiting', step_index: 2 });
    expect(s.contacts[0]).toMatchObject({ first_name: 'Ana', zip: '60601' });
  });

  it('twenty JOINs from different numbers at once each get their own conversation', async () => {
    const numbers = Array.from({ length: 20 }, (_, i) => `+1312555${String(2000 + i)}`);
    const replies = await Promise.all(numbers.map((n) => text(t.app, n, 'JOIN')));
    expect(replies.every((r) => r[0]!.includes("What's your first name?"))).toBe(true);
    const s = snapshot();
    expect(s.contacts).toHaveLength(20);
    expect(s.conversations).toHaveLength(20);
    expect(s.members).toHaveLength(20);
  });
});
