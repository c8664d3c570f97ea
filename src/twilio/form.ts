/**
 * Reading a Twilio webhook's body: application/x-www-form-urlencoded, decoded exactly as
 * express.urlencoded({ extended: false }) decodes it (body-parser 2 → qs with depth 0).
 *
 * The ordinary request (utf-8, not compressed, a Content-Length within the limit) takes a lane
 * of its own: express's per-request machinery costs more than the webhook's database work, and
 * Twilio's bodies are flat ASCII key=value pairs, for which a plain split-and-decode gives qs's
 * result at a third of its cost (a body with bracket syntax goes to qs itself with body-parser's
 * options). Every other request (gzip/deflate/br bodies, chunked uploads, a latin-1 charset, an
 * oversized body, the wrong media type) is decoded or refused by body-parser itself, so the
 * answers stay body-parser's: 413, 415 unsupported charset/encoding, 400 for a broken body.
 * test/http/front-door.test.ts checks the lanes agree with express on thousands of random requests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { urlencoded } from 'express';
import qs from 'qs';
import { AppError } from '../shared/errors';

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

/** Body limit for Twilio's form posts (413 beyond). */
export const TWILIO_FORM_LIMIT_BYTES = 100 * 1024;
export const TWILIO_FORM_PARAMETER_LIMIT = 1000;

const FORM_TYPE = /^application\/x-www-form-urlencoded[ \t]*(?:;[ \t]*charset[ \t]*=[ \t]*(?:utf-8|"utf-8")[ \t]*)?$/i;

function ordinary(req: IncomingMessage): boolean {
  const h = req.headers;
  if (!FORM_TYPE.test(h['content-type'] ?? '')) return false;
  if (h['content-encoding'] !== undefined && h['content-encoding'].toLowerCase() !== 'identity') return false;
  if (h['transfer-encoding'] !== undefined) return false;
  const length = Number(h['content-length']);
  return Number.isInteger(length) && length >= 0 && length <= TWILIO_FORM_LIMIT_BYTES;
}

const bodyParser = urlencoded({ extended: false, limit: TWILIO_FORM_LIMIT_BYTES, parameterLimit: TWILIO_FORM_PARAMETER_LIMIT });

function readWhole(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The webhook's form parameters. Rejects with body-parser's errors (mapped to 4xx by toAppError)
 * or 415 when the body is not a form at all. A client that goes away mid-body rejects too; there
 * is nobody left to answer and nothing was stored.
 */
export async function readTwilioForm(req: IncomingMessage, res: ServerResponse): Promise<Form> {
  if (ordinary(req)) return parseForm(decodeUtf8Body(await readWhole(req)), TWILIO_FORM_PARAMETER_LIMIT);
  const r = req as IncomingMessage & { body?: Form };
  await new Promise<void>((resolve, reject) => bodyParser(r as never, res as never, (err?: unknown) => (err ? reject(err) : resolve())));
  if (r.body === undefined) throw new AppError('unsupported_media_type', 'expected application/x-www-form-urlencoded');
  return r.body;
}
