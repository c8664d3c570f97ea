/**
 * The inbox in the supporter's language (issue 16), through the real listener: the auto-reply to
 * an unclaimed text is the built-in text of the contact's language (the campaign default when it
 * is unknown), and a canned response given per language shows in the contact's language.
 */
import { DEMO_FLOW } from '../../src/core/flow';
import { admin, testApp, text, type TestApp } from '../helpers/app';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

const contactId = (phone: string) => (t.ctx.db.sqlite.prepare('SELECT id FROM contacts WHERE phone = ?').get(phone) as { id: string }).id;

test('auto-reply and canned responses in the contact language', async () => {
  const api = admin(t.app);
  const c = await api.post('/api/campaigns', {
    name: 'Miami', programName: 'Rally MIA', sender: '62290', supportContact: 'help@rally.example', languages: ['es', 'en'],
    keywords: [{ word: 'MARCHA', language: 'es', aliases: [{ word: 'MARCH', language: 'en' }] }], flow: DEMO_FLOW,
  });
  expect(c.status).toBe(201);
  // A: language unknown (the campaign default, Spanish). B: chose English.
  expect(await text(t.app, '+13055550101', 'hola', {}, '62290')).toEqual(['Rally MIA: Manda MARCHA al 62290 para unirte. Responde AYUDA para ayuda, STOP para cancelar.']);
  expect(await text(t.app, '+13055550101', '¿dónde me estaciono?', {}, '62290')).toEqual([
    'Rally MIA: ¡Gracias por tu mensaje! Una persona de nuestro equipo va a leerlo y responderte. Responde AYUDA para ayuda, STOP para cancelar.',
  ]);
  await text(t.app, '+13055550102', 'ENGLISH', {}, '62290');
  expect(await text(t.app, '+13055550102', 'where do I park?', {}, '62290')).toEqual([
    'Rally MIA: Thanks for your message! A person from our team will read it and reply. Reply HELP for help, STOP to cancel.',
  ]);

  const bad = await api.post('/api/canned-responses', { title: 'Parking', body: { en: 'Hi!', es: 'Hola {{apodo}}' } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.es']);
  const created = await api.post('/api/canned-responses', {
    title: 'Parking', body: { en: 'Hi {{first_name|friend}}! Park on Elm St.', es: '¡Hola {{first_name|amigo}}! Estaciónate en Elm St.' },
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ body: 'Hi {{first_name|friend}}! Park on Elm St.', bodies: { es: '¡Hola {{first_name|amigo}}! Estaciónate en Elm St.' } });
  expect((await api.get(`/api/inbox/${contactId('+13055550101')}`)).body.canned).toEqual([{ id: created.body.id, title: 'Parking', text: '¡Hola amigo! Estaciónate en Elm St.' }]);
  expect((await api.get(`/api/inbox/${contactId('+13055550102')}`)).body.canned).toEqual([{ id: created.body.id, title: 'Parking', text: 'Hi friend! Park on Elm St.' }]);
});
