/**
 * A broadcast in two languages to a mixed audience (issue 16), through the real dispatcher and the
 * official twilio client talking to the fake Twilio API: every recipient gets exactly one text, in
 * the language they would be texted in on their campaign (theirs when it lists it, else its
 * default); the preview shows each language's sample, recipients and segments (UCS-2 shown).
 */
import { DEMO_FLOW } from '../../src/core/flow';
import { admin } from '../helpers/app';
import { broadcastHarness, phone, sentBodies, type BroadcastHarness } from '../helpers/broadcast';

const TEMPLATES = { en: 'Rally tonight at 7, {{first_name|friend}}!', es: '¡Mitin esta noche a las 7, {{first_name|amigo}}! Acompáñanos.' };

describe('a broadcast in English and Spanish', () => {
  let h: BroadcastHarness;
  let bilingual: string;
  beforeEach(async () => {
    h = await broadcastHarness();
    const res = await admin(h.app).post('/api/campaigns', {
      name: 'Phoenix', programName: 'Rally PHX', sender: '62280', supportContact: 'help@rally.example', languages: ['en', 'es'],
      keywords: [{ word: 'JOIN', language: 'en', aliases: [{ word: 'UNETE', language: 'es' }] }], flow: DEMO_FLOW,
    });
    expect(res.status).toBe(201);
    bilingual = res.body.id;
  });
  afterEach(() => h.shutdown());

  test('each recipient gets their language, exactly once', async () => {
    h.addContact({ phone: phone(1), firstName: 'Ana', language: 'es', campaigns: [bilingual] });
    h.addContact({ phone: phone(2), firstName: 'Bo', language: 'en', campaigns: [bilingual] });
    h.addContact({ phone: phone(3), firstName: 'Cy', campaigns: [bilingual] }); // unknown: the campaign default (en)
    h.addContact({ phone: phone(4), firstName: 'Dee', language: 'es', campaigns: [bilingual] });
    h.addContact({ phone: phone(5), firstName: 'Eli', language: 'es' }); // demo campaign: English only
    const b = await h.sendNow({ name: 'tonight', template: TEMPLATES, footer: false, audience: { campaigns: [bilingual, h.demoCampaignId] } });
    expect(b.templates).toEqual(TEMPLATES);
    expect(b.template).toBe(TEMPLATES.en);
    await h.dispatcher.runUntilIdle();
    const sent = sentBodies(h.fake).map((s) => `${s.to} ${s.body}`).sort();
    expect(sent).toEqual([
      `${phone(1)} ¡Mitin esta noche a las 7, Ana! Acompáñanos.`,
      `${phone(2)} Rally tonight at 7, Bo!`,
      `${phone(3)} Rally tonight at 7, Cy!`,
      `${phone(4)} ¡Mitin esta noche a las 7, Dee! Acompáñanos.`,
      `${phone(5)} Rally tonight at 7, Eli!`,
    ]);
    expect((await h.status(b.id)).recipients).toBe(5);
  });

  test('the preview shows each language: recipients, a sample, its encoding and segments', async () => {
    h.addContact({ phone: phone(1), firstName: 'Ana', language: 'es', campaigns: [bilingual] });
    h.addContact({ phone: phone(2), firstName: 'Bo', language: 'en', campaigns: [bilingual] });
    h.addContact({ phone: phone(3), campaigns: [bilingual] });
    const res = await admin(h.app).post('/api/broadcasts/preview', { template: TEMPLATES, footer: false, audience: { campaigns: [bilingual] } });
    expect(res.status).toBe(200);
    expect(res.body.languages).toEqual([
      { language: 'en', recipients: 2, sample: 'Rally tonight at 7, Bo!', encoding: 'GSM-7', characters: 23, segments: 1, totalSegments: 2 },
      { language: 'es', recipients: 1, sample: '¡Mitin esta noche a las 7, Ana! Acompáñanos.', encoding: 'UCS-2', characters: 44, segments: 1, totalSegments: 1 },
    ]);
    expect(res.body.recipients).toBe(3);
    expect(res.body.warnings.join(' ')).toMatch(/UCS-2/);
  });

  test("each language's text is checked at its own path; a plain template still works", async () => {
    const res = await admin(h.app).post('/api/broadcasts', { name: 'x', template: { en: 'Hi {{first_name}}', es: 'Hola {{nombre}}' }, audience: { campaigns: [bilingual] } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['template.es']);
    const bad = await admin(h.app).post('/api/broadcasts', { name: 'x', template: { fr: 'Salut' }, audience: { campaigns: [bilingual] } });
    expect(bad.status).toBe(400);
    const plain = await admin(h.app).post('/api/broadcasts', { name: 'x', template: 'Hi', audience: { campaigns: [bilingual] } });
    expect(plain.status).toBe(201);
    expect(plain.body.templates).toBeNull();
  });
});
