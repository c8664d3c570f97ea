/**
 * normalizeText, the one normalisation behind keyword and compliance matching, has an ASCII path
 * and keeps its last answer (session 24). Both must give what the Unicode recipe gives: random
 * texts, mostly ASCII as texts are, with accents, curly apostrophes, compatibility forms and
 * emoji mixed in; read in turn and again, so the kept answer is never another text's.
 */
import { keywordForm, normalizeText } from '../../src/core/text';
import { prng } from '../helpers/prng';

function recipe(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’`]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

const ASCII = 'abcXYZ019 \t\n\r!?.,\'`"-_@#$%&*()[]{}~^|\\/:;<>=+\u0000\u001f\u007f';
const OTHER = ['é', 'Ñ', 'ü', '’', 'ﬁ', 'Ａ', '１', '²', 'ß', 'İ', 'Σ', '😀', '\u0301', '\u00a0', '\u2028', '½', 'Ⅻ', '李', 'ǅ'];

test('30,000 random texts: the same words as the Unicode recipe, whichever path and whatever came before', () => {
  const rnd = prng(7);
  const texts: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    let t = '';
    for (let k = Math.floor(rnd() * 24); k > 0; k--) t += rnd() < 0.9 ? ASCII[Math.floor(rnd() * ASCII.length)] : OTHER[Math.floor(rnd() * OTHER.length)];
    texts.push(t);
  }
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < texts.length; i++) {
      // Round 1 reads each text twice in a row (the kept answer), round 2 alternates with a neighbour.
      const t = round === 2 && i % 2 === 1 ? texts[i - 1]! : texts[i]!;
      const got = normalizeText(t);
      if (got !== recipe(t)) throw new Error(`${JSON.stringify(t)}: ${JSON.stringify(got)}, the recipe gives ${JSON.stringify(recipe(t))}`);
      if (round === 1 && normalizeText(t) !== got) throw new Error(`${JSON.stringify(t)} read twice gave two answers`);
    }
  }
});

test('examples: keywords, STOP words, apostrophes and accents', () => {
  expect(normalizeText('  JOIN!! ')).toBe('join');
  expect(normalizeText("Don't text me")).toBe('dont text me');
  expect(normalizeText('Don’t')).toBe('dont');
  expect(normalizeText('ÚNETE')).toBe('unete');
  expect(normalizeText('ＳＴＯＰ')).toBe('stop');
  expect(normalizeText('JOIN')).toBe('join');
  expect(keywordForm('únete!')).toBe('UNETE');
  expect(normalizeText('')).toBe('');
});
