/**
 * Follow-up sequences in the supporter's language (issue 16: "Broadcasts, sequences, inbox"): a
 * step's template may be one text or one per campaign language; each recipient gets theirs (their
 * language when the campaign lists it, else the campaign default), through the real listener,
 * database, dispatcher and the twilio client against the fake Twilio API. A translated step must
 * carry every language the campaign lists and none it does not (400 by path).
 */
import { admin, text } from '../helpers/app';
import { broadcastHarness, sentBodies, type BroadcastHarness } from '../helpers/broadcast';

const CAMPAIGN = {
  name: 'Phoenix', programName: 'Rally PHX', sender: '62280', supportContact: 'help@rally.example', languages: ['en', 'es'],
  keywords: [{ word: 'JOIN', language: 'en', aliases: [{ word: 'UNETE', language: 'es' }] }],
  flow: { steps: [{ id: 'name', prompt: { en: 'Your first name?', es: '¿Tu nombre?' }, capture: 'first_name', validate: { type: 'name' }, reprompt: { en: 'Just your first name?', es: '¿Solo tu nombre?' } }], completion: { en: 'Thanks {{first_name}}!', es: '¡Gracias {{first_name}}!' } },
};
const WELCOME = { en: 'Canvass Saturday, {{first_name|friend}}!', es: '¡Tocamos puertas el sábado, {{first_name|amigo}}!' };

let h: BroadcastHarness;
let campaignId: string;
beforeEach(async () => {
  h = await broadcastHarness({ QUIET_HOURS: 'off' }, '2026-11-21T20:00:00.000Z');
  const c = await admin(h.app).post('/api/campaigns', CAMPAIGN);
  expect({ status: c.status, body: c.status === 201 ? null : c.body }).toEqual({ status: 201, body: null });
  campaignId = c.body.id;
});
afterEach(() => h.shutdown());

test('each supporter gets the step in their language, once; switching language before it is due counts', async () => {
  const res = await admin(h.app).post('/api/sequences', { campaignId, name: 'Welcome', trigger: 'completed', steps: [{ after: 'PT1H', template: WELCOME }] });
  expect(res.status).toBe(201);
  expect(res.body.steps[0].template).toEqual(WELCOME);
  const [ana, bo, cy] = ['+16025550101', '+16025550102', '+16025550103'];
  const say = (from: string, body: string) => text(h.app, from, body, {}, '62280');
  expect((await say(ana, 'ÚNETE')).join('\n')).toContain('¿Tu nombre?');
  expect(await say(ana, 'Ana')).toEqual(['¡Gracias Ana!']);
  await say(bo, 'JOIN');
  expect(await say(bo, 'Bo')).toEqual(['Thanks Bo!']);
  await say(cy, 'JOIN');
  await say(cy, 'Cy');
  await say(cy, 'ESPAÑOL'); // chose Spanish after completing: the follow-up is in Spanish
  h.clock.set('2026-11-21T21:00:05.000Z');
  await h.dispatcher.runUntilIdle();
  const followUps = sentBodies(h.fake).filter((m) => m.body.includes('sábado') || m.body.includes('Saturday')).map((m) => `${m.to} ${m.body.split('\n')[0]}`).sort();
  expect(followUps).toEqual([
    `${ana} ¡Tocamos puertas el sábado, Ana!`,
    `${bo} Canvass Saturday, Bo!`,
    `${cy} ¡Tocamos puertas el sábado, Cy!`,
  ]);
});

test('a translated step must give every language the campaign lists, and only those; each text is checked at its own path', async () => {
  const post = (steps: unknown[]) => admin(h.app).post('/api/sequences', { campaignId, name: 'x', trigger: 'joined', steps });
  const missing = await post([{ after: 'PT1H', template: { en: 'Hi' } }]);
  expect(missing.status).toBe(400);
  expect(missing.body.error.details).toEqual([{ path: 'steps.0.template.es', message: expect.stringContaining('missing') }]);
  const extra = await post([{ after: 'PT1H', template: { en: 'Hi', es: 'Hola', fr: 'Salut' } }]);
  expect(extra.status).toBe(400);
  const badField = await post([{ after: 'PT1H', template: { en: 'Hi {{nickname}}', es: 'Hola' } }]);
  expect(badField.status).toBe(400);
  expect(badField.body.error.details[0].path).toBe('steps.0.template.en');
  const empty = await post([{ after: 'PT1H', template: {} }]);
  expect(empty.status).toBe(400);
  // A plain text still goes to everyone; the demo campaign (English only) refuses Spanish.
  expect((await post([{ after: 'PT1H', template: 'Hi all' }])).status).toBe(201);
  const demo = (await admin(h.app).get('/api/campaigns')).body.campaigns.find((c: { id: string }) => c.id !== campaignId).id;
  const onDemo = await admin(h.app).post('/api/sequences', { campaignId: demo, name: 'y', trigger: 'joined', steps: [{ after: 'PT1H', template: { en: 'Hi', es: 'Hola' } }] });
  expect(onDemo.body.error.details).toEqual([{ path: 'steps.0.template.es', message: 'the campaign does not list "es"' }]);
  // Nothing half-written: of all these, only the one good sequence exists.
  const all = (await admin(h.app).get('/api/sequences')).body.sequences as { name: string; campaignId: string }[];
  expect(all.map((q) => q.name)).toEqual(['x']);
  // An update is checked the same way.
  const id = ((await admin(h.app).get(`/api/sequences?campaignId=${campaignId}`)).body.sequences as { id: string }[])[0]!.id;
  const put = await admin(h.app).put(`/api/sequences/${id}`, { campaignId, name: 'x', trigger: 'joined', steps: [{ after: 'PT1H', template: { es: 'Hola' } }] });
  expect(put.body.error.details).toEqual([{ path: 'steps.0.template.en', message: expect.stringContaining('missing') }]);
});
