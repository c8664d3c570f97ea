/**
 * application/x-www-form-urlencoded bodies decoded exactly as express.urlencoded({ extended:
 * false }) decodes them (body-parser 2 → qs with depth 0), for the webhook fast path.
 *
 * Twilio's bodies are flat ASCII key=value pairs; for those a plain split-and-decode gives qs's
 * result at a third of its cost. A body with bracket syntax in it (which qs treats specially even
 * at depth 0) goes to qs itself with body-parser's own options. test/twilio/fast-webhook.test.ts
 * checks the two paths agree on thousands of random bodies.
 */
import qs from 'qs';

export type Form = Record<string, string | string[]>;

export class TooManyParameters extends Error {
  readonly status = 413;
  readonly type = 'parameters.too.many';
  constructor() {
    super('too many parameters');
  }
}

/** body-parser's answer when qs refuses a key as too deep (400). */
export class DepthExceeded extends Error {
  readonly status = 400;
  readonly type = 'querystring.parse.rangeError';
  constructor() {
    super('The input exceeded the depth');
  }
}

/** The request body as text, as body-parser's utf-8 decoder produces it (byte-order mark dropped). */
export function decodeUtf8Body(body: Buffer): string {
  const text = body.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** qs's decoder: "+" is a space, then percent-decoding; a malformed escape leaves the text as is. */
function decode(s: string): string {
  const spaced = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

const BRACKETS = /[[\]]|%5[bd]/i;

export function parseForm(body: string, parameterLimit: number): Form {
  if (body.length === 0) return {};
  let count = 1;
  for (let i = body.indexOf('&'); i !== -1; i = body.indexOf('&', i + 1)) {
    if (++count > parameterLimit) throw new TooManyParameters();
  }
  if (BRACKETS.test(body)) {
    try {
      return qs.parse(body, {
        allowPrototypes: true, arrayLimit: count, depth: 0, charset: 'utf-8', parameterLimit, strictDepth: true,
      }) as Form;
    } catch (err) {
      if (err instanceof RangeError) throw new DepthExceeded();
      throw err;
    }
  }
  const form: Form = {};
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq === -1 ? part : part.slice(0, eq));
    if (key === '' || key === '__proto__') continue;
    const value = eq === -1 ? '' : decode(part.slice(eq + 1));
    const existing = Object.prototype.hasOwnProperty.call(form, key) ? form[key] : undefined;
    form[key] = existing === undefined ? value : ([] as string[]).concat(existing, value);
  }
  return form;
}
