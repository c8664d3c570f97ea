/**
 * The production front door: POST /twilio/sms answered without express, everything else handed
 * to the express app.
 *
 * Why: express 5's per-request machinery (router, prototype swaps, body-parser/raw-body/iconv)
 * costs ~70 µs of the event loop per request on the 2-core bench box, more than the webhook's
 * own database work. This path reads the body, decodes it as express.urlencoded would
 * (twilio/form.ts) and runs the very same checkSignature + answerInboundSms, with the same
 * error answers (http/error-response.ts).
 *
 * Only the ordinary case takes it: POST to exactly /twilio/sms, a urlencoded body (utf-8 or no
 * charset), not compressed, with a Content-Length within the 100 KB limit. Any other request,
 * including every edge case express handles in its own way (gzip bodies, other charsets,
 * chunked uploads, oversized bodies → 413), goes to express untouched.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AppContext } from '../wiring/context';
import { decodeUtf8Body, parseForm } from '../twilio/form';
import type { FormParams } from '../twilio/signature';
import { answerInboundSms, checkSignature, TWILIO_FORM_LIMIT_BYTES, TWILIO_FORM_PARAMETER_LIMIT } from '../twilio/webhook';
import { errorAnswer } from './error-response';

const FORM_TYPE = /^application\/x-www-form-urlencoded[ \t]*(?:;[ \t]*charset[ \t]*=[ \t]*(?:utf-8|"utf-8")[ \t]*)?$/i;

function takesFastPath(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  if (!(url === '/twilio/sms' || url.startsWith('/twilio/sms?'))) return false;
  const h = req.headers;
  if (!FORM_TYPE.test(h['content-type'] ?? '')) return false;
  if (h['content-encoding'] !== undefined && h['content-encoding'].toLowerCase() !== 'identity') return false;
  if (h['transfer-encoding'] !== undefined) return false;
  const length = Number(h['content-length']);
  return Number.isInteger(length) && length >= 0 && length <= TWILIO_FORM_LIMIT_BYTES;
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'Content-Type': `${type}; charset=utf-8`, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function answer(ctx: AppContext, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const url = req.url!;
  try {
    const params = parseForm(decodeUtf8Body(body), TWILIO_FORM_PARAMETER_LIMIT) as FormParams;
    checkSignature(ctx, url, req.headers['x-twilio-signature'] as string | undefined, params);
    send(res, 200, 'text/xml', await answerInboundSms(ctx, params));
  } catch (err) {
    const e = errorAnswer(ctx, err, 'POST', url.split('?')[0]!);
    send(res, e.status, 'application/json', JSON.stringify(e.body), e.headers);
  }
}

export function withFastSmsWebhook(ctx: AppContext, app: RequestListener): RequestListener {
  return (req, res) => {
    if (!takesFastPath(req)) return app(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void answer(ctx, req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', () => {
      // The client went away mid-body: nothing was read, nothing is stored, nobody to answer.
    });
  };
}
