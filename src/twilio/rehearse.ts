/**
 * Sends a text to a gateway exactly as Twilio would: a form-encoded webhook signed with the
 * gateway's auth token. Used by `rallytext text` (against a running gateway), tests and benchmarks.
 */
import { randomBytes } from 'node:crypto';
import { signTwilioRequest, type FormParams } from './signature';

export function fakeMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

/** Inbound SMS params in the shape Twilio posts them (see fixtures/twilio). */
export function inboundParams(from: string, to: string, body: string, extra: FormParams = {}): FormParams {
  const sid = extra.MessageSid ?? fakeMessageSid();
  return {
    ToCountry: 'US', ToState: '', SmsMessageSid: sid, NumMedia: '0', ToCity: '', FromZip: '', SmsSid: sid,
    FromState: '', SmsStatus: 'received', FromCity: '', Body: body, FromCountry: 'US', To: to, ToZip: '',
    NumSegments: '1', MessageSid: sid, AccountSid: `AC${'0'.repeat(32)}`, From: from, ApiVersion: '2010-04-01',
    ...extra,
  };
}

export function encodeForm(params: FormParams): string {
  return new URLSearchParams(params).toString();
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&#xD;': '\r' };

/** The <Message> bodies of a TwiML response. */
export function twimlMessages(xml: string): string[] {
  return [...xml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) =>
    m[1]!.replace(/&(?:amp|lt|gt|quot|apos|#xD);/g, (e) => ENTITIES[e] ?? e),
  );
}

export interface SendTextOptions {
  /** Where to POST (e.g. http://127.0.0.1:3000/twilio/sms). */
  postUrl: string;
  /** The URL the gateway believes it is reached at (PUBLIC_BASE_URL + /twilio/sms): what is signed. */
  signedUrl: string;
  authToken: string;
  from: string;
  to: string;
  body: string;
  extra?: FormParams;
}

export async function sendText(o: SendTextOptions): Promise<{ status: number; replies: string[]; raw: string }> {
  const params = inboundParams(o.from, o.to, o.body, o.extra);
  const res = await fetch(o.postUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signTwilioRequest(o.authToken, o.signedUrl, params),
    },
    body: encodeForm(params),
  });
  const raw = await res.text();
  return { status: res.status, replies: res.ok ? twimlMessages(raw) : [], raw };
}
