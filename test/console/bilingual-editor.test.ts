/**
 * The campaign editor for a bilingual campaign (issue 16), through real form posts: one box per
 * language for every message (named by the translation's API path, each with its segment
 * counter: Spanish with accents shows UCS-2), a warning where a translation is missing, and a save
 * that keeps translations, keyword languages and system-text overrides as they were.
 */
import { DEMO_FLOW } from '../../src/core/flow';
import { admin, testApp, text, type TestApp } from '../helpers/app';
import { browser, signIn, type Signed } from '../helpers/console';

let t: TestApp;
let s: Signed;
beforeEach(async () => {
  t = testApp();
  s = await signIn(t.app);
});
afterEach(() => t.close());

const unescape = (v: string) => v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Every field of the page as the browser would post it. */
function scrape(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of page.matchAll(/<input [^>]*name="([^"]+)"[^>]*>/g)) {
    const tag = m[0];
    if (/type="checkbox"/.test(tag) && !/ checked/.test(tag)) continue;
    fields[m[1]!] = unescape(/value="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  for (const m of page.matchAll(/<textarea [^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) fields[m[1]!] = unescape(m[2]!);
  for (const m of page.matchAll(/<select id="[^"]+" name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) fields[m[1]!] = /<option value="([^"]*)" selected>/.exec(m[2]!)?.[1] ?? '';
  return fields;
}

test('a box per language with its counter, a missing-translation warning, and a save that keeps everything', async () => {
  const created = await admin(t.app).post('/api/campaigns', {
    name: 'Chicago', programName: 'Rally Chicago', sender: '62295', supportContact: 'help@rally.example', languages: ['en', 'es'],
    keywords: [{ word: 'JOIN', language: 'en', aliases: [{ word: 'ÚNETE', language: 'es' }, 'RALLY'] }],
    texts: { es: { help: '{{program}}: escríbenos a {{support}}. Responde STOP para cancelar.', showQuestion: '{{program}}: ¿Tu nombre en la pantalla? Responde SHOW.' } },
    flow: { ...DEMO_FLOW, completion: { en: "You're in!", es: '¡Ya estás dentro! Gracias.' } },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const page = await browser(t.app, s).get(`/campaigns/${id}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain('name="flow.completion.en"');
  expect(page.text).toContain('name="flow.completion.es"');
  expect(page.text).toMatch(/<p class="counter" id="f-flow-completion-es-count">[^<]*UCS-2[^<]*<\/p>/);
  // The prompts are one text for everyone: their Spanish boxes are empty and say so.
  expect(page.text).toContain('name="flow.steps.0.prompt.es"');
  expect(page.text).toMatch(/Missing translation: Español — everyone gets this text as written/);
  expect(page.text).not.toMatch(/aria-label="Thank-you message[^"]*"[^]*?Missing translation[^]*?flow\.completion\.en/);
  // The SHOW question has a wording box per language; the recruiter notice one, in the default language (the only one it is sent in).
  expect(page.text).toContain('<label for="f-texts-en-showQuestion">Wording of the leaderboard question (optional) — English</label>');
  expect(page.text).toContain('¿Tu nombre en la pantalla? Responde SHOW.</textarea>');
  expect(page.text).toContain('name="texts.en.friendJoined"');
  expect(page.text).not.toContain('name="texts.es.friendJoined"');

  const form = scrape(page.text);
  delete form._csrf;
  form['flow.steps.0.prompt.es'] = '¿Cómo te llamas?';
  const saved = await browser(t.app, s).post(`/campaigns/${id}`, { ...form, op: 'save' });
  expect(saved.status).toBe(303);
  const after = (await admin(t.app).get(`/api/campaigns/${id}`)).body;
  expect(after.languages).toEqual(['en', 'es']);
  expect(after.keywords).toEqual(created.body.keywords);
  expect(after.texts).toEqual(created.body.texts);
  expect(after.flow.completion).toEqual({ en: "You're in!", es: '¡Ya estás dentro! Gracias.' });
  expect(after.flow.steps[0].prompt).toEqual({ en: "What's your first name?", es: '¿Cómo te llamas?' });
  expect(after.flow.steps[1].prompt).toBe(created.body.flow.steps[1].prompt);
  expect((await text(t.app, '+13125550190', 'únete', {}, '62295'))[0]).toMatch(/¿Cómo te llamas\?$/);
});

test('a message emptied in every language is refused next to its boxes', async () => {
  const created = await admin(t.app).post('/api/campaigns', {
    name: 'Chicago', programName: 'Rally Chicago', sender: '62295', supportContact: 'help@rally.example', languages: ['en', 'es'],
    keywords: [{ word: 'JOIN' }], flow: DEMO_FLOW,
  });
  const id = created.body.id as string;
  const form = scrape((await browser(t.app, s).get(`/campaigns/${id}`)).text);
  delete form._csrf;
  form.languages = 'en, es';
  form['flow.completion.es'] = '¡Listo!';
  form['flow.completion.en'] = 'Done!';
  form['flow.steps.1.prompt.en'] = '';
  form['flow.steps.1.prompt.es'] = '';
  const res = await browser(t.app, s).post(`/campaigns/${id}`, { ...form, op: 'save' });
  expect(res.status).toBe(400);
  expect(res.text).toMatch(/<div class="lang-tabs" role="group" id="f-flow-steps-1-prompt"[^>]*>\s*<[^>]*id="f-flow-steps-1-prompt-error"/);
  expect(res.text).toContain('href="#f-flow-steps-1-prompt"');
});
