/**
 * Languages in audiences and exports (issue 16), through the real API and database: the audience
 * filter `language` matches the language each recipient would be texted in (theirs when the
 * campaign lists it, else the campaign default), and contacts.csv carries a `language` column.
 */
import { DEMO_FLOW } from '../../src/core/flow';
import { ADMIN_TOKEN, admin, text } from '../helpers/app';
import { download, readCsv } from '../helpers/csv';
import { broadcastHarness, phone, type BroadcastHarness } from '../helpers/broadcast';

describe('language in audiences and exports', () => {
  let h: BroadcastHarness;
  let bilingual: string;
  let spanishFirst: string;
  beforeEach(async () => {
    h = await broadcastHarness();
    const make = async (sender: string, languages: string[], word: string) => {
      const res = await admin(h.app).post('/api/campaigns', {
        name: `Rally ${sender}`, programName: 'Rally', sender, supportContact: 'help@rally.example', languages,
        keywords: [{ word, language: 'en', aliases: [{ word: `${word}ES`, language: 'es' }] }], flow: DEMO_FLOW,
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    bilingual = await make('62270', ['en', 'es'], 'JOIN');
    spanishFirst = await make('62271', ['es', 'en'], 'MARCHA');
  });
  afterEach(() => h.shutdown());

  async function count(audience: Record<string, unknown>): Promise<number> {
    const res = await admin(h.app).post('/api/broadcasts/preview', { template: 'Hi', audience });
    expect(res.status).toBe(200);
    return res.body.recipients;
  }

  test('the filter matches the language each recipient would get: unknown is the campaign default', async () => {
    h.addContact({ phone: phone(1), language: 'es', campaigns: [bilingual] });
    h.addContact({ phone: phone(2), language: 'en', campaigns: [bilingual] });
    h.addContact({ phone: phone(3), campaigns: [bilingual] });
    h.addContact({ phone: phone(4), campaigns: [spanishFirst] });
    h.addContact({ phone: phone(5), language: 'es', campaigns: [h.demoCampaignId] });
    expect(await count({ campaigns: [bilingual], language: 'es' })).toBe(1);
    expect(await count({ campaigns: [bilingual], language: 'en' })).toBe(2);
    expect(await count({ campaigns: [bilingual, spanishFirst], language: ['es'] })).toBe(2);
    // The demo campaign speaks English only: its Spanish-speaking supporter is texted in English.
    expect(await count({ campaigns: [h.demoCampaignId], language: 'es' })).toBe(0);
    expect(await count({ campaigns: [h.demoCampaignId], language: 'en' })).toBe(1);
  });

  test('an unknown language in the filter is a 400 at its path', async () => {
    const res = await admin(h.app).post('/api/broadcasts/preview', { template: 'Hi', audience: { campaigns: [bilingual], language: 'fr' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['audience.language']);
  });

  test('contacts.csv has the language column: es from the Spanish keyword, empty when unknown', async () => {
    await text(h.app, '+13125550140', 'JOINES', {}, '62270');
    await text(h.app, '+13125550141', 'hello', {}, '62270');
    const d = await download(h.app, '/api/exports/contacts.csv', ADMIN_TOKEN);
    const { header, rows } = readCsv(d.text);
    expect(header).toContain('language');
    expect(rows.find((r) => r.phone === '+13125550140')!.language).toBe('es');
    expect(rows.find((r) => r.phone === '+13125550141')!.language).toBe('');
  });
});
