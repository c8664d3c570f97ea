/**
 * Languages (issue 16), pure: the localized-message resolver, the switch words, the campaign
 * validation by path (every listed language wherever a message is translated), the built-in
 * system texts per language carrying what carriers require, and validators that understand Spanish.
 */
import { parseCampaign, type CampaignRuntime } from '../../src/core/campaign';
import { DEMO_FLOW } from '../../src/core/flow';
import { KeywordIndex } from '../../src/core/keywords';
import { languageFor, languageSwitch, textIn } from '../../src/core/language';
import { segmentInfo } from '../../src/core/segments';
import { systemText, TEXT_KEYS } from '../../src/core/system-texts';
import { isSkip, validateMoney, validateName, validateYesNo } from '../../src/core/validators';

const base = (over: Record<string, unknown> = {}) => ({
  name: 'Rally', programName: 'Rally Alerts', sender: '62262', supportContact: 'help@rally.example',
  keywords: [{ word: 'JOIN', language: 'en', aliases: [{ word: 'ÚNETE', language: 'es' }] }], languages: ['en', 'es'], flow: DEMO_FLOW, ...over,
});

function runtime(over: Record<string, unknown> = {}): CampaignRuntime {
  const parsed = parseCampaign(base(over));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return { id: 'c1', ...parsed.value };
}

const problems = (over: Record<string, unknown>) => {
  const r = parseCampaign(base(over));
  return r.ok ? [] : r.problems;
};

describe('the resolver', () => {
  test('a plain string is the same in every language; a translation is picked, else the fallback', () => {
    expect(textIn('Hi', 'es')).toBe('Hi');
    expect(textIn({ en: 'Hi', es: 'Hola' }, 'es')).toBe('Hola');
    expect(textIn({ en: 'Hi' }, 'es', 'en')).toBe('Hi');
  });

  test("the contact's language when the campaign lists it, else the campaign default", () => {
    expect(languageFor('es', { languages: ['en', 'es'] })).toBe('es');
    expect(languageFor('es', { languages: ['en'] })).toBe('en');
    expect(languageFor(null, { languages: ['es', 'en'] })).toBe('es');
    expect(languageFor(null, {})).toBe('en');
  });

  test.each([['ESPAÑOL', 'es'], ['espanol', 'es'], ['Spanish!', 'es'], ['ENGLISH', 'en'], ['inglés', 'en'], ['español por favor', null], ['JOIN', null]])(
    'switch word %s → %s', (text, lang) => expect(languageSwitch(text)).toBe(lang),
  );
});

describe('campaign validation by path', () => {
  test('a translated message must carry every listed language, at its own path', () => {
    const flow = { ...DEMO_FLOW, steps: [{ ...DEMO_FLOW.steps[0]!, prompt: { en: "What's your name?" } }], completion: { en: 'Done', es: 'Listo' } };
    expect(problems({ flow })).toEqual([expect.objectContaining({ path: 'flow.steps.0.prompt.es', message: expect.stringMatching(/missing the Español \(es\) translation/) })]);
  });

  test('a translation in a language the campaign does not list is refused', () => {
    const flow = { ...DEMO_FLOW, completion: { en: 'Done', es: 'Listo' } };
    expect(problems({ languages: ['en'], keywords: [{ word: 'JOIN' }], flow })).toEqual([expect.objectContaining({ path: 'flow.completion.es' })]);
  });

  test('merge fields are checked per translation', () => {
    const flow = { ...DEMO_FLOW, completion: { en: 'Done {{first_name}}', es: 'Listo {{nombre}}' } };
    expect(problems({ flow })).toEqual([expect.objectContaining({ path: 'flow.completion.es', message: expect.stringMatching(/unknown merge field \{\{nombre\}\}/) })]);
  });

  test('plain strings stay valid in a bilingual campaign (the same text in both)', () => {
    expect(problems({})).toEqual([]);
  });

  test.each(['ESPAÑOL', 'espanol', 'SPANISH', 'English'])('the switch word %s cannot be a keyword or an alias', (word) => {
    expect(problems({ keywords: [{ word }] })).toEqual([expect.objectContaining({ path: 'keywords.0.word', message: expect.stringMatching(/switches the supporter's language/) })]);
    expect(problems({ keywords: [{ word: 'JOIN', aliases: [word] }] })).toEqual([expect.objectContaining({ path: 'keywords.0.aliases.0' })]);
  });

  test("a keyword's language must be one of the campaign's", () => {
    expect(problems({ languages: ['en'] })).toEqual([expect.objectContaining({ path: 'keywords.0.aliases.0.language' })]);
  });

  test('an unknown language and a repeated one are refused', () => {
    expect(problems({ languages: ['en', 'fr'] })).toEqual([expect.objectContaining({ path: 'languages.1' })]);
    expect(problems({ languages: ['en', 'en'], keywords: [{ word: 'JOIN' }] })).toEqual([expect.objectContaining({ path: 'languages' })]);
  });

  test('a frequency with no automatic translation must be given in each other language', () => {
    expect(problems({ frequency: 'Weekly rally news' })).toEqual([expect.objectContaining({ path: 'texts.es.frequency' })]);
    expect(problems({ frequency: 'Weekly rally news', texts: { es: { frequency: 'Noticias semanales' } } })).toEqual([]);
  });

  test('an override must name STOP where carriers require it, and use known merge fields', () => {
    expect(problems({ texts: { es: { help: 'Ayuda: {{support}}' } } })).toEqual([expect.objectContaining({ path: 'texts.es.help', message: expect.stringMatching(/STOP/) })]);
    expect(problems({ texts: { es: { stop: '{{programa}}: adios' } } })).toEqual([expect.objectContaining({ path: 'texts.es.stop' })]);
    expect(problems({ texts: { es: { nope: 'x' } } })).toEqual([expect.objectContaining({ path: 'texts.es' })]);
  });

  test('aliases keep their own language; accents and case are ignored (ÚNETE, unete)', () => {
    const c = runtime();
    expect(c.keywords).toEqual([{ word: 'JOIN', language: 'en', aliases: ['UNETE'], aliasLanguages: { UNETE: 'es' } }]);
    const index = new KeywordIndex([c]);
    expect(index.match('unete')).toMatchObject({ keyword: 'JOIN', language: 'es' });
    expect(index.match('ÚNETE!')).toMatchObject({ keyword: 'JOIN', language: 'es' });
    expect(index.match('join')).toMatchObject({ keyword: 'JOIN', language: 'en' });
  });

  test('the API shape read back parses again (aliasLanguages round-trips)', () => {
    const c = runtime();
    expect(runtime({ keywords: c.keywords }).keywords).toEqual(c.keywords);
  });
});

describe('system texts per language', () => {
  const c = runtime();

  test('every built-in text exists in every language', () => {
    for (const key of TEXT_KEYS) for (const lang of ['en', 'es'] as const) expect(systemText(c, key, lang)).toMatch(/^Rally Alerts: /);
  });

  test('the Spanish opt-in confirmation carries program, frequency, rates, HELP and STOP (CTIA)', () => {
    const t = systemText(c, 'optIn', 'es');
    expect(t).toContain('Rally Alerts');
    expect(t).toContain('Hasta 6 mensajes al mes');
    expect(t).toContain('Pueden aplicarse tarifas de mensajes y datos');
    expect(t).toMatch(/AYUDA para ayuda/);
    expect(t).toMatch(/STOP para cancelar/);
  });

  test('the Spanish HELP reply names where to get help, frequency, rates and STOP; the STOP confirmation says no more messages', () => {
    expect(systemText(c, 'help', 'es')).toBe('Rally Alerts: Ayuda en help@rally.example. Hasta 6 mensajes al mes. Pueden aplicarse tarifas de mensajes y datos. Responde STOP para cancelar.');
    expect(systemText(c, 'stop', 'es')).toMatch(/ya no te enviaremos mensajes/);
  });

  test('the default reply names the keyword in the language (UNETE for Spanish)', () => {
    expect(systemText(c, 'defaultReply', 'es')).toContain('Manda UNETE al 62262');
    expect(systemText(c, 'defaultReply', 'en')).toContain('Text JOIN to 62262');
  });

  test('the built-in Spanish compliance texts stay in GSM-7 (one segment each with a short program name)', () => {
    for (const key of ['optIn', 'help', 'stop', 'defaultReply', 'start'] as const) {
      expect(segmentInfo(systemText(c, key, 'es')).encoding).toBe('GSM-7');
    }
  });

  test('an override replaces the built-in text in its language only', () => {
    const o = runtime({ texts: { es: { help: '{{program}}: escribe a {{support}}. STOP para cancelar.' } } });
    expect(systemText(o, 'help', 'es')).toBe('Rally Alerts: escribe a help@rally.example. STOP para cancelar.');
    expect(systemText(o, 'help', 'en')).toMatch(/^Rally Alerts: Help at/);
  });

  test("the campaign's own helpText is its default language's HELP reply", () => {
    const o = runtime({ helpText: 'Rally Alerts: call 555-0100. Reply STOP to cancel.' });
    expect(systemText(o, 'help', 'en')).toBe('Rally Alerts: call 555-0100. Reply STOP to cancel.');
    expect(systemText(o, 'help', 'es')).toMatch(/^Rally Alerts: Ayuda en/);
  });
});

describe('validators that understand Spanish', () => {
  test.each(['sí', 'Sí!', 'si', 'claro', 'por supuesto', 'YES'])('%s is yes', (t) => expect(validateYesNo(t)).toEqual({ ok: true, value: true }));
  test.each(['no', 'No gracias', 'ahora no'])('%s is no', (t) => expect(validateYesNo(t)).toEqual({ ok: true, value: false }));
  test.each(['SALTAR', 'omitir', 'Paso', 'skip'])('%s skips', (t) => expect(isSkip(t)).toBe(true));
  test.each([['10 al mes', 1000], ['$10 mensual', 1000], ['10 dólares al mes', 1000], ['25 por mes', 2500], ['doy 15 al mes', 1500], ['$25/mo', 2500]])(
    '%s is %i cents', (t, cents) => expect(validateMoney(t, 100, 270_000)).toEqual({ ok: true, value: cents }),
  );
  test.each([['José', 'José'], ['Me llamo María José', 'María José'], ['Soy Begoña', 'Begoña'], ['hola, soy Iñaki', 'Iñaki']])(
    'name %s → %s', (t, name) => expect(validateName(t)).toEqual({ ok: true, value: name }),
  );
});
