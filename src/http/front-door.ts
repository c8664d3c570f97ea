/**
 * The one front door: the request listener production serves and every test drives. Twilio's
 * webhooks (POST /twilio/sms and /twilio/status) are answered here without express: read and
 * decode the form (src/twilio/form.ts), verify the signature, call the use case, encode the answer.
 * Everything else goes to the express app (console, /api, live screens, /healthz).
 *
 * Why without express: its per-request machinery (router, prototype swaps, body-parser) costs
 * ~70 µs of the event loop per request on the 2-core bench box, more than the webhook's own
 * database work. Errors answer exactly as the express app's do (http/error-response.ts).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { readTwilioForm } from '../twilio/form';
import { checkSignature, type FormParams } from '../twilio/signature';
import { answerStatusCallback } from '../twilio/status';
import { answerInboundSms } from '../twilio/webhook';
import type { AppContext } from '../wiring/context';
import { buildApp } from './app';
import { errorAnswer } from './error-response';

/**
 * The webhook a request is for, matched as express routes match: case-insensitive, optional
 * trailing slash, and on the path of an absolute-form target too (which checkSignature refuses).
 */
const WEBHOOK = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*)?\/twilio\/(sms|status)\/?(?:\?|$)/i;

function webhookOf(req: IncomingMessage): 'sms' | 'status' | null {
  if (req.method !== 'POST') return null;
  const m = WEBHOOK.exec(req.url ?? '');
  return m ? (m[1]!.toLowerCase() as 'sms' | 'status') : null;
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  // Extra headers (errors only) are set one by one: `{ ...headers, more }` would make a new hidden
  // class per answer (test/architecture/hot-path-shapes.test.ts).
  for (const name in headers) res.setHeader(name, headers[name]!);
  res.writeHead(status, { 'Content-Type': `${type}; charset=utf-8`, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function answer(ctx: AppContext, hook: 'sms' | 'status', req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url!;
  try {
    const params = (await readTwilioForm(req, res)) as FormParams;
    checkSignature(
      { publicBaseUrl: ctx.config.publicBaseUrl, authToken: ctx.config.twilio.authToken }, url, req.headers['x-twilio-signature'] as string | undefined, params,
    );
    if (hook === 'sms') {
      send(res, 200, 'text/xml', await answerInboundSms(ctx.inbound, params));
    } else {
      await answerStatusCallback(ctx.receipts, params);
      if (!res.headersSent && !res.destroyed) res.writeHead(204).end();
    }
  } catch (err) {
    const e = errorAnswer(ctx, err, 'POST', url.split('?')[0]!);
    send(res, e.status, 'application/json', JSON.stringify(e.body), e.headers);
  }
}

/** The gateway's request listener: Twilio's webhooks here, the rest to `app`. */
export function frontDoor(ctx: AppContext, app: RequestListener): RequestListener {
  return (req, res) => {
    const hook = webhookOf(req);
    if (!hook) return app(req, res);
    void answer(ctx, hook, req, res);
  };
}

/** What `npm start` serves and what tests drive: the front door before the express app. */
export function gatewayListener(ctx: AppContext): RequestListener {
  return frontDoor(ctx, buildApp(ctx));
}
