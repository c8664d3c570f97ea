import { z } from 'zod';

/**
 * The one text sanitiser, applied where text enters (an inbound Body before anything reads it,
 * imported cells, organizers' strings that become messages) and again where it leaves (TwiML, the
 * REST body). XML 1.0 cannot carry most C0 controls, U+FFFE/U+FFFF or a lone surrogate: a captured
 * answer with \u0001 echoed in a TwiML reply would make Twilio fail to parse the reply while our
 * outbox records it as sent (twilio's own TwiML builder refuses such characters).
 *
 * On entry: CRLF and CR become LF; C0 controls other than tab and LF, DEL, C1 controls, lone
 * surrogates and U+FFFE/U+FFFF are dropped. None of them can be typed on a phone or means anything
 * in a text message.
 */
const UNWANTED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF\p{Cs}]/gu;
/** What XML 1.0 cannot carry at all (CR and tab are legal; TwiML escapes CR). */
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\p{Cs}]/gu;
const XML_ILLEGAL_ONE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\p{Cs}]/u;
const UNWANTED_ONE = /[\r\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF\p{Cs}]/u;

export function cleanText(text: string): string {
  if (!UNWANTED_ONE.test(text)) return text;
  return text.replace(/\r\n?/g, '\n').replace(UNWANTED, '');
}

/** A string field whose text can end up in a message: sanitised before any other check. */
export function textField() {
  return z.string().overwrite(cleanText);
}

/** For text on its way out (TwiML, REST): drop only what XML cannot carry, so legal text is unchanged. */
export function xmlSafeText(text: string): string {
  return XML_ILLEGAL_ONE.test(text) ? text.replace(XML_ILLEGAL, '') : text;
}

/**
 * Text normalisation shared by keyword and compliance matching.
 * Case-folded, accents stripped, apostrophes removed ("don't" -> "dont"),
 * other punctuation and symbols treated as spaces.
 */
export function normalizeText(text: string): string {
  // The router reads one text several times (compliance, YES, the language switch, the keyword,
  // commands): the last answer is kept. Most texts are ASCII, where NFKD and the marks change
  // nothing and the only letters and digits are a-z and 0-9 (test/core/text.test.ts checks both
  // paths agree).
  if (text === lastText) return lastNormalized;
  const n = ASCII.test(text)
    ? text.toLowerCase().replace(/['`]/g, '').replace(/[^a-z0-9]+/g, ' ').trim()
    : text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/['’`]/g, '')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  lastText = text;
  lastNormalized = n;
  return n;
}

const ASCII = /^[\x00-\x7f]*$/;
let lastText = '';
let lastNormalized = '';

/** The words of a message after normalisation. */
export function words(text: string): string[] {
  const n = normalizeText(text);
  return n === '' ? [] : n.split(' ');
}

/** Keyword form: upper-case letters and digits only ("join!" -> "JOIN"). */
export function keywordForm(word: string): string {
  return normalizeText(word).replace(/ /g, '').toUpperCase();
}
