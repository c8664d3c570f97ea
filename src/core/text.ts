/**
 * Text normalisation shared by keyword and compliance matching.
 * Case-folded, accents stripped, apostrophes removed ("don't" -> "dont"),
 * other punctuation and symbols treated as spaces.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The words of a message after normalisation. */
export function words(text: string): string[] {
  const n = normalizeText(text);
  return n === '' ? [] : n.split(' ');
}

/** Keyword form: upper-case letters and digits only ("join!" -> "JOIN"). */
export function keywordForm(word: string): string {
  return normalizeText(word).replace(/ /g, '').toUpperCase();
}
