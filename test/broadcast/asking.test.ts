/**
 * Broadcasts that ask, through the real listener: a yes/no question with branches sent to 20
 * supporters by the dispatcher (real twilio client → loopback fake), each recipient's reply
 * resumed on the broadcast's flow by the pure router, captured into contact fields and counted on
 * GET /api/broadcasts/:id; STOP in the middle honoured; skipped recipients get no conversation;
 * a keyword still starts its own flow; YES from a subscribed supporter is an answer, not a
 * second opt-in confirmation.
 */
import { admin, text } from '../helpers/app';
import { browser, signIn } from '../helpers/console';
import { broadcastHarness, phone, sentBodies, type BroadcastHarness } from '../helpers/broadcast';

const OPT_IN = 'Rally Alerts: Thanks for joining!';

export const CANVASS_FLOW = {
  steps: [
    {
      id: 'canvass', prompt: 'Hi {{first_name|friend}}! Can you canvass Saturday? Reply YES or NO', capture: 'canvass_sat',
      validate: { type: 'yesno' }, reprompt: 'Please reply YES or NO',
      branches: [{ when: 'yes', goto: 'shift_time' }, { when: 'no', end: 'Thanks anyway, {{first_name|friend}}!' }],
    },
    {
      id: 'shift_time', prompt: 'Great! Morning or afternoon? Reply 1) morning 2) afternoon', capture: 'shift',
      validate: { type: 'choice', options: [{ value: 'am', label: 'morning' }, { value: 'pm', label: 'afternoon' }] },
      reprompt: 'Reply 1 for morning or 2 for afternoon',
    },
  ],
  completion: 'See you Saturday ({{shift}}), {{first_name|friend}}!',
};

describe('a broadcast that asks yes/no, to 20 supporters', () => {
  let h: BroadcastHarness;
  beforeEach(async () => {
    h = await broadcastHarness();
  });
  afterEach(() => h.shutdown());

  const conversations = (contactId: string) =>
    h.ctx.db.sqlite
      .prepare(
        `SELECT c.status, c.step_index, bc.broadcast_id FROM conversations c LEFT JOIN broadcast_conversations bc ON bc.conversation_id = c.id
         WHERE c.contact_id = ? ORDER BY c.started_at, c.rowid`,
      )
      .all(contactId) as { status: string; step_index: number; broadcast_id: string | null }[];
  const fields = (contactId: string) =>
    JSON.parse((h.ctx.db.sqlite.prepare('SELECT fields FROM contacts WHERE id = ?').get(contactId) as { fields: string }).fields) as Record<string, unknown>;

  test('replies are captured and counted, STOP in the middle is honoured, skipped recipients get no conversation', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 20; i++) ids.push(h.addContact({ phone: phone(i), firstName: i % 2 ? `Ana${String.fromCharCode(96 + i)}` : null }));
    const optedOut = h.addContact({ phone: phone(90), status: 'opted_out' });
    // Opted out after the audience was counted, before the send: refused at the gate, no conversation.
    const refused = h.addContact({ phone: phone(91) });
    const b = await h.sendNow({ name: 'Canvass Saturday', audience: { campaigns: [h.demoCampaignId] }, flow: CANVASS_FLOW });
    expect(b.flow?.steps.map((s) => s.id)).toEqual(['canvass', 'shift_time']);
    expect(b.template).toBe(CANVASS_FLOW.steps[0]!.prompt);
    h.ctx.db.sqlite.prepare("UPDATE contacts SET status = 'opted_out' WHERE id = ?").run(refused);

    const report = await h.dispatcher.runUntilIdle();
    expect(report.sent).toBe(20);
    const sent = sentBodies(h.fake);
    expect(sent).toHaveLength(20);
    expect(sent.find((x) => x.to === phone(1))!.body).toBe('Hi Anaa! Can you canvass Saturday? Reply YES or NO\nReply STOP to opt out');
    expect(sent.find((x) => x.to === phone(2))!.body).toBe('Hi friend! Can you canvass Saturday? Reply YES or NO\nReply STOP to opt out');
    for (const id of ids) expect(conversations(id)).toEqual([{ status: 'waiting', step_index: 0, broadcast_id: b.id }]);
    expect(conversations(optedOut)).toEqual([]);
    expect(conversations(refused)).toEqual([]);

    // 1-10 say yes (in many ways), 11-15 no, 16 STOPs before answering, 17 texts the keyword.
    const yes = ['YES', 'yes', 'Yes!', 'y', 'yeah', 'sure', 'YES', 'ok', 'count me in', 'Yep'];
    for (let i = 1; i <= 10; i++) {
      const replies = await text(h.app, phone(i), yes[i - 1]!);
      expect(replies).toEqual(['Great! Morning or afternoon? Reply 1) morning 2) afternoon']);
      expect(replies.join()).not.toContain(OPT_IN);
    }
    for (let i = 11; i <= 15; i++) {
      expect(await text(h.app, phone(i), i === 11 ? 'nope' : 'NO')).toEqual([`Thanks anyway, ${i % 2 ? `Ana${String.fromCharCode(96 + i)}` : 'friend'}!`]);
    }
    expect(await text(h.app, phone(16), 'STOP')).toEqual(["Rally Alerts: You're unsubscribed and will get no more messages. Reply START to resubscribe."]);
    expect(await text(h.app, phone(16), 'no')).toEqual([]);
    const join = await text(h.app, phone(17), 'JOIN');
    expect(join[0]).toContain(OPT_IN);
    expect(join[0]).toContain("What's your first name?");

    // Shifts: 1-4 morning, 5-8 afternoon; 9 STOPs at the second question, then answers anyway.
    for (let i = 1; i <= 8; i++) {
      const replies = await text(h.app, phone(i), i <= 4 ? (i % 2 ? '1' : 'morning') : 'afternoon');
      expect(replies).toEqual([`See you Saturday (${i <= 4 ? 'am' : 'pm'}), ${i % 2 ? `Ana${String.fromCharCode(96 + i)}` : 'friend'}!`]);
    }
    expect(await text(h.app, phone(9), 'stop texting me')).toHaveLength(1);
    expect(await text(h.app, phone(9), '2')).toEqual([]);

    const view = (await admin(h.app).get(`/api/broadcasts/${b.id}`)).body as { answers: Record<string, number>; answersByStep: Record<string, Record<string, number>> };
    expect(view.answers).toEqual({ yes: 10, no: 5 });
    expect(view.answersByStep).toEqual({ canvass: { yes: 10, no: 5 }, shift_time: { am: 4, pm: 4 } });

    expect(fields(ids[0]!)).toEqual({ canvass_sat: true, shift: 'am' });
    expect(fields(ids[11]!)).toEqual({ canvass_sat: false });
    expect(fields(ids[8]!)).toEqual({ canvass_sat: true });
    expect(fields(ids[15]!)).toEqual({});
    expect(conversations(ids[0]!)).toEqual([{ status: 'completed', step_index: 2, broadcast_id: b.id }]);
    expect(conversations(ids[10]!).map((c) => c.status)).toEqual(['completed']);
    expect(conversations(ids[8]!).map((c) => c.status)).toEqual(['interrupted']);
    expect(conversations(ids[15]!).map((c) => c.status)).toEqual(['interrupted']);
    expect(conversations(ids[16]!).map((c) => [c.status, c.broadcast_id])).toEqual([['interrupted', b.id], ['waiting', null]]);
    expect(conversations(ids[17]!)).toEqual([{ status: 'waiting', step_index: 0, broadcast_id: b.id }]);

    // The contacts who stopped got nothing more: no outbound row after their STOP confirmation.
    for (const id of [ids[8]!, ids[15]!]) {
      const out = h.ctx.db.sqlite.prepare("SELECT purpose FROM outbound_messages WHERE contact_id = ? AND status NOT IN ('suppressed') ORDER BY created_at, rowid").all(id) as { purpose: string }[];
      expect(out.at(-1)!.purpose).toBe('opt_out_confirmation');
    }

    // The broadcast's page shows the answers.
    const page = await browser(h.app, await signIn(h.app)).get(`/broadcasts/${b.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h2 id="answers-title">Answers</h2>');
    expect(page.text).toContain('data-answer="canvass:yes">10<');
    expect(page.text).toContain('data-answer="canvass:no">5<');
    expect(page.text).toContain('data-answer="shift_time:am">4<');
    expect(page.text).toContain('am — morning');
  });

  test('a reply after the conversation expired is not an answer; HELP leaves the question open', async () => {
    const id = h.addContact({ phone: phone(1), firstName: 'Bo' });
    const b = await h.sendNow({ name: 'Ask', audience: { campaigns: [h.demoCampaignId] }, flow: CANVASS_FLOW });
    await h.dispatcher.runUntilIdle();
    const help = await text(h.app, phone(1), 'HELP');
    expect(help[0]).toMatch(/Help at/);
    expect(conversations(id)[0]!.status).toBe('waiting');
    h.clock.advance(25 * 3_600_000);
    expect(await text(h.app, phone(1), 'no')).toEqual(['Rally Alerts: Thanks for your message! A person from our team will read it and reply. Reply HELP for help, STOP to cancel.']);
    expect(conversations(id).map((c) => c.status)).toEqual(['expired']);
    expect((await h.status(b.id)).answers).toEqual({});
  });

  test('a contact mid-signup who gets the question: the question is what their next reply answers', async () => {
    const join = await text(h.app, phone(5), 'JOIN');
    expect(join[0]).toContain("What's your first name?");
    const b = await h.sendNow({ name: 'Ask', audience: { campaigns: [h.demoCampaignId] }, flow: CANVASS_FLOW });
    await h.dispatcher.runUntilIdle();
    expect(await text(h.app, phone(5), 'no')).toEqual(['Thanks anyway, friend!']);
    expect((await h.status(b.id)).answers).toEqual({ no: 1 });
  });

  test('only a text Twilio accepted opens a conversation: failed, refused (21610) and undeliverable sends do not; an unknown send adopted later does', async () => {
    const ok = h.addContact({ phone: phone(1) });
    const failed = h.addContact({ phone: phone(2) });
    const carrierOptOut = h.addContact({ phone: phone(3) });
    const landline = h.addContact({ phone: phone(4) });
    const lost = h.addContact({ phone: phone(5) });
    h.fake.forNumber(phone(2), { error: 21617, message: 'too long' });
    h.fake.forNumber(phone(3), { error: 21610 });
    h.fake.forNumber(phone(4), { error: 21614 });
    h.fake.forNumber(phone(5), 'http500-created');
    const b = await h.sendNow({ name: 'Ask', audience: { campaigns: [h.demoCampaignId] }, flow: CANVASS_FLOW });
    await h.dispatcher.runUntilIdle();
    expect(conversations(ok)).toEqual([{ status: 'waiting', step_index: 0, broadcast_id: b.id }]);
    for (const id of [failed, carrierOptOut, landline, lost]) expect(conversations(id)).toEqual([]);
    // The lookup finds the message Twilio did create: adopted, and now the question waits.
    h.clock.advance(60_000);
    await h.dispatcher.runUntilIdle();
    expect(conversations(lost)).toEqual([{ status: 'waiting', step_index: 0, broadcast_id: b.id }]);
    expect(await text(h.app, phone(5), 'no')).toEqual(['Thanks anyway, friend!']);
    // A reply from a number whose send failed is not an answer.
    expect((await text(h.app, phone(2), 'yes'))[0]).toContain(OPT_IN);
    expect((await h.status(b.id)).answers).toEqual({ no: 1 });
  });

  test('a plain broadcast is unchanged: YES from a subscribed supporter still gets the opt-in confirmation', async () => {
    h.addContact({ phone: phone(1) });
    const b = await h.sendNow({ name: 'Plain', template: 'Rally at 6pm!', audience: { campaigns: [h.demoCampaignId] } });
    await h.dispatcher.runUntilIdle();
    expect((await text(h.app, phone(1), 'YES'))[0]).toContain(OPT_IN);
    const v = await h.status(b.id);
    expect(v.flow).toBeNull();
    expect(v.answers).toEqual({});
  });
});
