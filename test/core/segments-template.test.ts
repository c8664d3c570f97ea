import { segmentCount, segmentInfo } from '../../src/core/segments';
import { checkTemplate, renderTemplate, templateFields } from '../../src/core/template';
import { formatCents, centsToDecimal } from '../../src/core/money';

describe('SMS segments', () => {
  test.each([
    ['', 'GSM-7', 1, 0],
    ['a'.repeat(160), 'GSM-7', 1, 160],
    ['a'.repeat(161), 'GSM-7', 2, 161],
    ['a'.repeat(306), 'GSM-7', 2, 306],
    ['a'.repeat(307), 'GSM-7', 3, 307],
    ['€'.repeat(80), 'GSM-7', 1, 160],
    ['€'.repeat(81), 'GSM-7', 2, 162],
    ['^{}\\[~]|', 'GSM-7', 1, 16],
    ['é'.repeat(160), 'GSM-7', 1, 160],
    ['ú'.repeat(70), 'UCS-2', 1, 70],
    ['ú'.repeat(71), 'UCS-2', 2, 71],
    ['Thanks! 🎉', 'UCS-2', 1, 10],
    ['🎉'.repeat(35), 'UCS-2', 1, 70],
    ['🎉'.repeat(36), 'UCS-2', 2, 72],
    ['x'.repeat(134) + '’', 'UCS-2', 3, 135],
  ] as const)('%#: %j', (body, encoding, segments, units) => {
    const info = segmentInfo(body);
    expect({ encoding: info.encoding, segments: info.segments, units: info.units }).toEqual({ encoding, segments, units });
  });
  it('segmentCount (a table for ASCII, segmentInfo for the rest) agrees with segmentInfo on 20,000 random bodies', () => {
    let seed = 10;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const ascii = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));
    const other = ['é', '€', 'Ä', 'ß', 'Δ', '’', 'ú', '🎉', '¡', '\u00a0', '李'];
    for (let i = 0; i < 20_000; i++) {
      const length = [0, 1, 70, 153, 159, 160, 161, 306, 307, 320][i % 10]! + (i % 3) - 1;
      let body = '';
      for (let k = 0; k < length; k++) body += rnd() < 0.97 || i % 2 === 0 ? ascii[32 + Math.floor(rnd() * 96)]! : rnd() < 0.5 ? ascii[Math.floor(rnd() * 128)]! : other[Math.floor(rnd() * other.length)]!;
      if (segmentCount(body) !== segmentInfo(body).segments) throw new Error(`${JSON.stringify(body)}: ${segmentCount(body)}, segmentInfo ${segmentInfo(body).segments}`);
    }
    expect(segmentCount('a'.repeat(160) + '^')).toBe(2);
    expect(segmentCount('`')).toBe(1); // not GSM-7: UCS-2, still one segment
    expect(segmentCount('`'.repeat(71))).toBe(2);
  });
  it('reports characters as people count them and the room left', () => {
    const i = segmentInfo('Hi 🎉');
    expect(i.characters).toBe(4);
    expect(i.remaining).toBe(70 - 5);
  });
});

describe('templates', () => {
  it('renders merge fields with fallbacks', () => {
    const t = 'Thanks, {{first_name|friend}}! See you in {{ zip }}. {{program}}';
    expect(renderTemplate(t, { first_name: 'Ana', zip: '60601', program: 'Rally' })).toBe('Thanks, Ana! See you in 60601. Rally');
    expect(renderTemplate(t, { first_name: '  ', zip: null, program: 'Rally' })).toBe('Thanks, friend! See you in . Rally');
  });
  it('renders a template split once the same for every text: adjacent fields, text at both ends, stray braces kept', () => {
    const t = '{{first_name}}{{ZIP|none}} {{ {{x}} }} {{constructor|-}}';
    const values = [{ first_name: 'Ana', zip: '60601', x: 'y' }, { first_name: 'Bo', zip: '', x: 1 }, { first_name: null }];
    // Twice over, so the second round renders from the split template.
    for (let round = 0; round < 2; round++) {
      expect(values.map((v) => renderTemplate(t, v))).toEqual(['Ana60601 {{ y }} -', 'Bonone {{ 1 }} -', 'none {{  }} -']);
    }
  });
  it('lists and checks fields', () => {
    expect(templateFields('{{a}} {{B|x}} {{a}}')).toEqual(['a', 'b']);
    expect(checkTemplate('Hi {{first_name}} {{nickname|pal}}', ['first_name'])).toEqual([
      { field: 'nickname', message: 'unknown merge field {{nickname}}; allowed: first_name' },
    ]);
    expect(checkTemplate('Hi {{first_name', ['first_name'])).toHaveLength(1);
    expect(checkTemplate('Hi {first_name}', ['first_name'])).toEqual([]);
  });
  it('formats money', () => {
    expect(formatCents(1000)).toBe('$10');
    expect(formatCents(1050)).toBe('$10.50');
    expect(formatCents(270_000)).toBe('$2,700');
    expect(centsToDecimal(1005)).toBe('10.05');
  });
});
