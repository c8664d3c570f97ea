/**
 * Characters XML cannot carry never reach a TwiML reply or a REST body. A captured free-text
 * answer with \u0001 \u0008 \u001b \uFFFE used to be echoed raw inside <Message> (only & < > and
 * CR were escaped): twilio's own TwiML builder refuses such characters, so Twilio would most likely
 * fail to parse the reply while the outbox recorded it as sent. Text is cleaned where it enters
 * (inbound Body, imports, organizers' message strings) and where it leaves (TwiML, REST).
 */
import { twiml } from 'twilio';
import { DEMO_FLOW } from '../../src/core/flow';
import { admin, signedPost, nextSid, testApp, type TestApp } from '../helpers/app';
import { broadcastHarness, phone, sentBodies } from '../helpers/broadcast';
import { postImport } from '../helpers/imports';
import { inboundParams, twimlMessages } from '../../src/twilio/rehearse';

// (A lone surrogate cannot travel in a UTF-8 form body; the JSON API test below sends one.)
const ILLEGAL = '\u0001\u0008\u001b\uFFFE\uFFFF\u000b\u000c';
/** XML 1.0's Char production, negated: anything here makes the document unparseable. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\p{Cs}]/u;

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

/** What twilio's own builder makes of these bodies: it throws on characters XML cannot carry. */
function twilioTwiml(bodies: string[]): string {
  const r = new twiml.MessagingResponse();
  for (const b of bodies) r.message(b);
  return r.toString();
}

test('a captured answer full of control characters is echoed as clean, well-formed TwiML, and stored clean', async () => {
  const created = await admin(t.app).post('/api/campaigns', {
    name: 'Nicknames', programName: 'Team Nick', sender: '62262', supportContact: 'help@example.org', keywords: [{ word: 'NICK' }],
    flow: {
      steps: [{ id: 'nick', prompt: 'Nickname?', capture: 'nickname', validate: { type: 'text' }, reprompt: 'Just a nickname.' }],
      completion: 'Thanks {{nickname}}!',
    },
  });
  expect(created.status).toBe(201);
  const from = '+13125550100';
  await signedPost(t.app, '/twilio/sms', inboundParams(from, '62262', 'NICK', { MessageSid: nextSid() }));
  const res = await signedPost(t.app, '/twilio/sms', inboundParams(from, '62262', `Ana${ILLEGAL} Bee\r\nthe 2nd\u0085`, { MessageSid: nextSid() }));
  expect(res.status).toBe(200);
  expect(res.text).not.toMatch(NOT_XML);
  const replies = twimlMessages(res.text);
  expect(replies).toEqual(['Thanks Ana Bee the 2nd!']);
  expect(res.text).toBe(twilioTwiml(replies));

  const stored = t.ctx.db.sqlite.prepare("SELECT fields FROM contacts WHERE phone = ?").get(from) as { fields: string };
  expect(JSON.parse(stored.fields)).toEqual({ nickname: 'Ana Bee the 2nd' });
  const bodies = (t.ctx.db.sqlite.prepare('SELECT body FROM inbound_messages').all() as { body: string }[]).map((r) => r.body);
  for (const b of bodies) expect(b).not.toMatch(NOT_XML);
  const out = (t.ctx.db.sqlite.prepare('SELECT body FROM outbound_messages').all() as { body: string }[]).map((r) => r.body);
  expect(out).toContain('Thanks Ana Bee the 2nd!');
});

test('organizers\' message strings and imported names are cleaned where they enter', async () => {
  const res = await admin(t.app).post('/api/campaigns', {
    name: 'Doors\u0001', programName: `Team\u0008 Doors${'\uFFFF'}`, sender: '62262', supportContact: 'help@example.org', keywords: [{ word: 'DOORS' }],
    flow: { ...DEMO_FLOW, completion: 'Done\u001b, {{first_name|friend}}!\uFFFE\ud800' },
  });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ name: 'Doors', programName: 'Team Doors' });
  expect(res.body.flow.completion).toBe('Done, {{first_name|friend}}!');

  const imported = await postImport(t.app, `phone,first_name\n3125550111,Jos\uFFFEé\u0085\n3125550112,\uFFFF\uFFFEMia\n`);
  expect(imported.status).toBe(200);
  const names = (t.ctx.db.sqlite.prepare("SELECT first_name FROM contacts WHERE phone IN ('+13125550111', '+13125550112') ORDER BY phone").all() as { first_name: string }[]).map((r) => r.first_name);
  expect(names).toEqual(['José', 'Mia']);
});

test('a name stored before this fix never reaches Twilio\'s REST API with characters XML cannot carry', async () => {
  const h = await broadcastHarness();
  try {
    h.addContact({ phone: phone(1), firstName: `Zo\u0001ë${'\uFFFE'}` });
    await h.sendNow({ name: 'x', template: 'Hi {{first_name|friend}}!', audience: { campaigns: [h.demoCampaignId] }, footer: false });
    await h.dispatcher.runUntilIdle();
    expect(sentBodies(h.fake)).toEqual([expect.objectContaining({ to: phone(1), body: 'Hi Zoë!' })]);
  } finally {
    await h.shutdown();
  }
});
