/**
 * Bilingual campaigns through the real listener (issue 16): the API refuses a missing translation
 * and a switch word as a keyword with a 400 by path, stores languages, keyword languages and
 * overrides (read back in a shape that can be saved again), and the gateway answers with the
 * organizer's override in the contact's language.
 */
import request from 'supertest';
import { DEMO_FLOW } from '../../src/core/flow';
import { ensureDisplay } from '../../src/usecases/live/screens';
import { admin, testApp, text, type TestApp } from '../helpers/app';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

const bilingual = (over: Record<string, unknown> = {}) => ({
  name: 'Phoenix rally', programName: 'Rally PHX', sender: '62264', supportContact: 'help@phx.example',
  keywords: [{ word: 'JOIN', language: 'en', aliases: [{ word: 'ÚNETE', language: 'es' }] }], languages: ['en', 'es'],
  flow: { ...DEMO_FLOW, completion: { en: "You're in!", es: '¡Ya estás dentro!' } }, ...over,
});

test('a translated message missing a listed language → 400 at its path', async () => {
  const res = await admin(t.app).post('/api/campaigns', bilingual({ flow: { ...DEMO_FLOW, completion: { en: "You're in!" } } }));
  expect(res.status).toBe(400);
  expect(res.body.error.details).toEqual([{ path: 'flow.completion.es', message: expect.stringContaining('missing the Español (es) translation') }]);
});

test('a switch word as a keyword → 400 at its path', async () => {
  const res = await admin(t.app).post('/api/campaigns', bilingual({ keywords: [{ word: 'JOIN', aliases: ['ESPAÑOL'] }] }));
  expect(res.status).toBe(400);
  expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['keywords.0.aliases.0']);
});

test('languages, keyword languages and overrides are stored and read back in a shape that saves again', async () => {
  const created = await admin(t.app).post('/api/campaigns', bilingual({ texts: { es: { help: '{{program}}: escribe a {{support}}. Responde STOP para cancelar.' } } }));
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    languages: ['en', 'es'],
    keywords: [{ word: 'JOIN', language: 'en', aliases: ['UNETE'], aliasLanguages: { UNETE: 'es' } }],
    texts: { es: { help: expect.stringContaining('escribe a') } },
  });
  const { id, createdAt, updatedAt, active, goalCents, ...spec } = created.body;
  const put = await admin(t.app).put(`/api/campaigns/${id}`, spec);
  expect(put.status).toBe(200);
  expect(put.body.keywords).toEqual(created.body.keywords);

  // The override answers a Spanish supporter's HELP; an English one gets the built-in English.
  await text(t.app, '+16025550100', 'únete', {}, '62264');
  expect(await text(t.app, '+16025550100', 'HELP', {}, '62264')).toEqual(['Rally PHX: escribe a help@phx.example. Responde STOP para cancelar.']);
  expect(await text(t.app, '+16025550101', 'HELP', {}, '62264')).toEqual([expect.stringMatching(/^Rally PHX: Help at help@phx\.example/)]);
  const row = t.ctx.db.sqlite.prepare('SELECT language FROM contacts WHERE phone = ?').get('+16025550100') as { language: string };
  expect(row.language).toBe('es');
});

test('a campaign from before languages reads as English only and answers as before', async () => {
  const res = await admin(t.app).get('/api/campaigns');
  expect(res.body.campaigns[0]).toMatchObject({ languages: ['en'], texts: {} });
  expect((await text(t.app, '+13125550100', 'ESPAÑOL'))[0]).toMatch(/^Rally Alerts: Text JOIN to 62262 to join/);
});

test('the live screen shows the call to action in both languages', async () => {
  const created = await admin(t.app).post('/api/campaigns', bilingual());
  expect(created.status).toBe(201);
  const token = (await ensureDisplay(t.ctx.store, created.body.id, t.clock.now())).token;
  const screen = await request(t.app).get(`/live/${token}`);
  expect(screen.status).toBe(200);
  expect(screen.text).toContain('Text <strong>JOIN</strong> / <strong>UNETE</strong> to <strong>62264</strong>');
});
