/**
 * A small rally crowd for drills against a gateway child process: each phone texts JOIN, its
 * name, ZIP, a pledge (or SKIP) and its email, one text after the previous one was answered,
 * with many phones in flight at once, like Twilio delivering a real crowd.
 */
import { encodeForm, inboundParams, twimlMessages } from '../../src/twilio/rehearse';
import { signTwilioRequest, type FormParams } from '../../src/twilio/signature';
import { AUTH_TOKEN, PUBLIC_BASE_URL } from './app';

export interface CrowdText {
  sid: string;
  from: string;
  body: string;
  /** A piece of the reply this text must get. */
  expect: string;
}

export interface Phone {
  from: string;
  name: string;
  zip: string;
  pledgeCents: number | null;
  email: string;
  texts: CrowdText[];
}

const NAMES = ['Ana', 'Luis', 'Maya', 'Omar', 'Grace', 'Wei', 'Priya', 'Jamal'];

/** `tag` keeps MessageSids of different crowds apart (two hex digits). */
export function crowd(size: number, tag = 0xd1): Phone[] {
  return Array.from({ length: size }, (_, i) => {
    const from = `+1773${2_000_000 + i}`;
    const name = NAMES[i % NAMES.length]!;
    const zip = String(60_600 + (i % 90));
    const pledgeCents = i % 4 === 3 ? null : (5 + (i % 20)) * 100;
    const email = `${name.toLowerCase()}.${i}@example.org`;
    const sid = (step: number) => `SM${tag.toString(16).padStart(2, '0')}${String(step)}${i.toString(16).padStart(29, '0')}`;
    const texts: CrowdText[] = [
      { sid: sid(0), from, body: 'JOIN', expect: "What's your first name?" },
      { sid: sid(1), from, body: name, expect: `Thanks, ${name}!` },
      { sid: sid(2), from, body: zip, expect: 'Can you chip in monthly' },
      { sid: sid(3), from, body: pledgeCents === null ? 'SKIP' : `$${pledgeCents / 100}`, expect: 'Last one' },
      { sid: sid(4), from, body: email, expect: `You're in, ${name}!` },
    ];
    return { from, name, zip, pledgeCents, email, texts };
  });
}

export interface Answer {
  status: number;
  replies: string[];
  raw: string;
  retryAfter: string | null;
}

/** POST a signed inbound-SMS webhook, as Twilio would. */
export async function postSms(baseUrl: string, params: FormParams, token = AUTH_TOKEN): Promise<Answer> {
  const res = await fetch(`${baseUrl}/twilio/sms`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signTwilioRequest(token, `${PUBLIC_BASE_URL}/twilio/sms`, params),
    },
    body: encodeForm(params),
  });
  const raw = await res.text();
  return { status: res.status, replies: res.status === 200 ? twimlMessages(raw) : [], raw, retryAfter: res.headers.get('retry-after') };
}

export function paramsOf(t: CrowdText): FormParams {
  return inboundParams(t.from, '62262', t.body, { MessageSid: t.sid });
}

/** What happened to each text, by MessageSid: an answer, or the error that stopped it. */
export type Outcome = { answer: Answer } | { error: string };

/**
 * Each phone sends its texts from `start[phone]` on, in order, each after the previous one was
 * answered 200; a phone stops at its first failure. `concurrency` phones are in flight at once.
 */
export async function drive(
  baseUrl: string, phones: Phone[], concurrency: number,
  options: { start?: (p: Phone) => number; onAnswer?: (t: CrowdText, a: Answer) => void } = {},
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  let next = 0;
  const worker = async () => {
    while (next < phones.length) {
      const phone = phones[next++]!;
      for (const t of phone.texts.slice(options.start?.(phone) ?? 0)) {
        try {
          const answer = await postSms(baseUrl, paramsOf(t));
          outcomes.set(t.sid, { answer });
          options.onAnswer?.(t, answer);
          if (answer.status !== 200) break;
        } catch (err) {
          outcomes.set(t.sid, { error: (err as Error).message });
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}
