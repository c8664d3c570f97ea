/**
 * Templates, footer, segment math and preview: an unknown merge field is a 400 at create time,
 * the footer is appended where asked, and the preview's encoding/segment/duration figures are
 * computed from each real recipient's text.
 */
import { loadConfig } from '../../src/wiring/config';
import { segmentInfo } from '../../src/core/segments';
import { composeBody, nonGsmCharacters } from '../../src/core/broadcast-template';
import { admin, testEnv } from '../helpers/app';
import { broadcastHarness, phone, sentBodies, type BroadcastHarness } from '../helpers/broadcast';

describe('segment math', () => {
  test.each([
    ['empty', '', 'GSM-7', 1],
    ['160 GSM-7 characters fit one segment', 'a'.repeat(160), 'GSM-7', 1],
    ['161 need two (153 per part)', 'a'.repeat(161), 'GSM-7', 2],
    ['306 = 2 × 153', 'a'.repeat(306), 'GSM-7', 2],
    ['307 need three', 'a'.repeat(307), 'GSM-7', 3],
    ['extended characters count twice: 80 × "{" = 160 septets', '{'.repeat(80), 'GSM-7', 1],
    ['… and 81 × "€" = 162 septets', '€'.repeat(81), 'GSM-7', 2],
    ['basic accents stay GSM-7 (é, ñ, ü)', 'José Muñoz über', 'GSM-7', 1],
    ['a curly apostrophe forces UCS-2', 'Don’t miss it', 'UCS-2', 1],
    ['70 UCS-2 characters fit one segment', 'Ж'.repeat(70), 'UCS-2', 1],
    ['71 need two (67 per part)', 'Ж'.repeat(71), 'UCS-2', 2],
    ['134 = 2 × 67', 'Ж'.repeat(134), 'UCS-2', 2],
    ['an emoji is two UTF-16 units: 35 emoji = 70 units', '🎉'.repeat(35), 'UCS-2', 1],
    ['36 emoji = 72 units → two segments', '🎉'.repeat(36), 'UCS-2', 2],
  ])('%s', (_name, body, encoding, segments) => {
    const info = segmentInfo(body);
    expect({ encoding: info.encoding, segments: info.segments }).toEqual({ encoding, segments });
  });

  test('non-GSM characters in a template are named, for the preview warning', () => {
    expect(nonGsmCharacters('Don’t forget “Saturday” 🎉 ok')).toEqual([
      { char: '’', codePoint: 'U+2019' }, { char: '“', codePoint: 'U+201C' }, { char: '”', codePoint: 'U+201D' }, { char: '🎉', codePoint: 'U+1F389' },
    ]);
    expect(nonGsmCharacters('Plain {text} with €')).toEqual([]);
  });

  test('the footer goes on its own line, and is not added twice', () => {
    expect(composeBody('See you Saturday!', 'Reply STOP to opt out')).toBe('See you Saturday!\nReply STOP to opt out');
    expect(composeBody('See you! Reply STOP to opt out', 'Reply STOP to opt out')).toBe('See you! Reply STOP to opt out');
    expect(composeBody('See you!', null)).toBe('See you!');
  });

  test('BROADCAST_FOOTER is configurable but must mention STOP', () => {
    expect(loadConfig(testEnv({ BROADCAST_FOOTER: 'Txt STOP to end' })).broadcastFooter).toBe('Txt STOP to end');
    expect(loadConfig(testEnv()).broadcastFooter).toBe('Reply STOP to opt out');
    expect(() => loadConfig(testEnv({ BROADCAST_FOOTER: 'Bye now' }))).toThrow(/BROADCAST_FOOTER: must tell people to reply STOP/);
  });
});

describe('broadcast templates through the API', () => {
  let h: BroadcastHarness;
  beforeEach(async () => {
    h = await broadcastHarness({ SEND_RATE_MPS: '10' });
  });
  afterEach(() => h.shutdown());

  test('an unknown merge field is a 400 at create time, naming the field', async () => {
    const res = await admin(h.app).post('/api/broadcasts', { name: 'x', template: 'Hi {{frist_name|friend}}', audience: { campaigns: [h.demoCampaignId] } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'template', message: expect.stringContaining('{{frist_name}}') })]);
    const bad = await admin(h.app).post('/api/broadcasts', { name: 'x', template: 'Hi {{first_name', audience: { campaigns: [h.demoCampaignId] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].message).toMatch(/unbalanced|malformed/);
    const empty = await admin(h.app).post('/api/broadcasts', { name: 'x', template: '  ', audience: { campaigns: [h.demoCampaignId] } });
    expect(empty.status).toBe(400);
    const long = await admin(h.app).post('/api/broadcasts', { name: 'x', template: 'a'.repeat(1590), audience: { campaigns: [h.demoCampaignId] } });
    expect(long.status).toBe(400);
    expect(long.body.error.details[0].message).toMatch(/1600/);
    const extra = await admin(h.app).post('/api/broadcasts', { name: 'x', template: 'Hi', audience: { campaigns: [h.demoCampaignId] }, sendNow: true });
    expect(extra.status).toBe(400);
  });

  test('every merge field renders, with fallbacks; footer:false sends the text as written', async () => {
    h.addContact({ phone: phone(1), firstName: 'Ana', zip: '60614', campaigns: [{ campaign: h.demoCampaignId, keyword: 'RALLY' }] });
    h.addContact({ phone: phone(2) });
    await h.sendNow({
      name: 'fields', footer: false,
      template: '{{program_name}}/{{program}}: {{first_name|friend}} {{zip|no zip}} {{state|?}} {{keyword}} {{sender}}',
      audience: { campaigns: [h.demoCampaignId] },
    });
    await h.dispatcher.runUntilIdle();
    expect(sentBodies(h.fake).map((s) => s.body).sort()).toEqual([
      'Rally Alerts/Rally Alerts: Ana 60614 IL RALLY 62262',
      'Rally Alerts/Rally Alerts: friend no zip ? JOIN 62262',
    ]);
  });

  test('preview: count, three real samples, encoding, segments per message and in total, duration at the rate', async () => {
    h.addContact({ phone: phone(1), firstName: 'Ana' });
    h.addContact({ phone: phone(2), firstName: 'Zoë' }); // ë is not GSM-7: this one text is UCS-2
    h.addContact({ phone: phone(3) });
    h.addContact({ phone: phone(4), firstName: 'Bartholomew-Alexander' });
    // 150 characters + name + footer line: short names fit 2 segments, the UCS-2 one needs 3.
    const template = `Hi {{first_name|friend}}, ${'x'.repeat(150)}`;
    const b = await h.createBroadcast({ name: 'p', template, audience: { campaigns: [h.demoCampaignId] } });
    const res = await admin(h.app).get(`/api/broadcasts/${b.id}/preview`);
    expect(res.status).toBe(200);
    const p = res.body;
    expect(p.recipients).toBe(4);
    expect(p.samples).toHaveLength(3);
    expect(p.samples[0]).toMatchObject({ firstName: 'Ana', body: `Hi Ana, ${'x'.repeat(150)}\nReply STOP to opt out`, encoding: 'GSM-7', segments: 2 });
    expect(p.samples[0].phone).toBe('+1312***0001');
    expect(p.samples[1]).toMatchObject({ firstName: 'Zoë', encoding: 'UCS-2', segments: 3 });
    expect(p.encoding).toBe('UCS-2');
    expect(p.recipientsByEncoding).toEqual({ 'GSM-7': 3, 'UCS-2': 1 });
    expect(p.segmentsPerMessage).toEqual({ min: 2, max: 3 });
    expect(p.totalSegments).toBe(2 + 3 + 2 + 2);
    expect(p.sendRateMps).toBe(10);
    expect(p.estimatedSeconds).toBe(1);
    expect(p.footer).toBe('Reply STOP to opt out');
    expect(p.warnings.join(' ')).toMatch(/1 recipient\(s\) get UCS-2/);
  });

  test('preview warns about characters that force UCS-2 for everyone', async () => {
    h.addContact({ phone: phone(1) });
    const res = await admin(h.app).post('/api/broadcasts/preview', { template: 'Don’t miss Saturday', audience: { campaigns: [h.demoCampaignId] } });
    expect(res.status).toBe(200);
    expect(res.body.encoding).toBe('UCS-2');
    expect(res.body.nonGsmCharacters).toEqual([{ char: '’', codePoint: 'U+2019' }]);
    expect(res.body.warnings[0]).toMatch(/U\+2019.*UCS-2/);
  });

  test('the segments actually sent are recorded per recipient', async () => {
    h.addContact({ phone: phone(1), firstName: 'Ana' });
    h.addContact({ phone: phone(2), firstName: 'Zoë' });
    const b = await h.sendNow({ name: 's', template: `Hi {{first_name}}, ${'x'.repeat(150)}`, audience: { campaigns: [h.demoCampaignId] } });
    await h.dispatcher.runUntilIdle();
    const rows = h.ctx.db.all(h.ctx.db.db.selectFrom('broadcast_recipients').select(['contact_id', 'segments']).where('broadcast_id', '=', b.id).orderBy('seq'));
    expect(rows.map((r) => r.segments)).toEqual([2, 3]);
  });
});
