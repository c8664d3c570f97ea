/**
 * The rally crowd: N distinct phones, each with the answers it will give the demo flow
 * (name, ZIP, pledge or SKIP, email), and the pre-signed webhooks it sends. Deterministic
 * (seeded) so a run can be compared with the next one and the database checked exactly.
 */
import { encodeForm, inboundParams } from '../../src/twilio/rehearse';
import { signTwilioRequest } from '../../src/twilio/signature';
import { prng } from '../../test/helpers/prng';

export interface Phone {
  from: string;
  name: string;
  zip: string;
  /** What the phone answers to the pledge step ("$10", "25", "SKIP"). */
  pledgeText: string;
  pledgeCents: number | null;
  email: string;
}

export interface Webhook {
  from: string;
  body: string;
  signature: string;
  /** A piece of the reply the gateway must answer with (checked on every response). */
  expect: string;
}

export interface Signer {
  authToken: string;
  /** PUBLIC_BASE_URL + /twilio/sms: what Twilio signs. */
  signedUrl: string;
  accountSid: string;
  to: string;
}

const NAMES = ['Ana', 'Luis', 'Maya', 'Omar', 'Grace', 'Tomás', 'Aisha', 'Wei', 'Priya', 'Jamal', 'Sofía', 'Kwame', 'Noor', 'Ivan'];

/** Small deterministic PRNG (mulberry32), shared with the random tests. */
export { prng };

/** 0 … n-1 in a random order drawn from `rnd` (Fisher-Yates): one turn of a crowd, phones interleaved. */
export function shuffledIndexes(n: number, rnd: () => number): number[] {
  const order = Array.from({ length: n }, (_v, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** `offset` lets several crowds share one database without sharing a phone number. */
export function crowd(size: number, seed = 1, offset = 0): Phone[] {
  const rnd = prng(seed);
  const phones: Phone[] = [];
  for (let i = 0; i < size; i++) {
    const n = offset + i;
    const name = NAMES[n % NAMES.length]!;
    const skip = rnd() < 0.25;
    const dollars = 5 + Math.floor(rnd() * 46);
    phones.push({
      from: `+1312${2_000_000 + n}`,
      name,
      zip: String(60_000 + Math.floor(rnd() * 700)).padStart(5, '0'),
      pledgeText: skip ? 'SKIP' : rnd() < 0.5 ? `$${dollars}` : String(dollars),
      pledgeCents: skip ? null : dollars * 100,
      email: `${name.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase()}.${n}@example.org`,
    });
  }
  return phones;
}

let sidCounter = 0;
/** Unique, deterministic-looking MessageSids (SM + 32 hex). */
export function nextSid(prefix = 0xbe): string {
  sidCounter += 1;
  return `SM${prefix.toString(16).padStart(2, '0')}${sidCounter.toString(16).padStart(30, '0')}`;
}

export function signedWebhook(s: Signer, from: string, text: string, expect: string, sid = nextSid()): Webhook {
  const params = inboundParams(from, s.to, text, { MessageSid: sid, AccountSid: s.accountSid });
  return { from, body: encodeForm(params), signature: signTwilioRequest(s.authToken, s.signedUrl, params), expect };
}

/** A referral code as a friend would type it (issue 13): readable alphabet, with a digit. */
export function codeFor(i: number): string {
  const A = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let n = (i * 2_654_435_761) >>> 0;
  let out = '';
  for (let k = 0; k < 4; k++) {
    out += A[n % 32];
    n = Math.floor(n / 32);
  }
  return `${out}${'23456789'[i % 8]}`;
}

/**
 * Phase 1: every phone texts JOIN. With `codes` (bench:rally --codes), every other phone texts
 * `JOIN <code>` (issue 13): the code lookup a referral costs on the hot path (the codes are not
 * issued yet during the burst, so they join uncredited: the lookup is the cost measured).
 */
export function joins(s: Signer, phones: Phone[], codes = false): Webhook[] {
  return phones.map((p, i) => signedWebhook(s, p.from, codes && i % 2 === 0 ? `JOIN ${codeFor(i)}` : 'JOIN', "What's your first name?"));
}

/** Phase 2: one phone's four answers, in order, each with a piece of the reply it must get. */
export function answers(s: Signer, p: Phone): Webhook[] {
  return [
    signedWebhook(s, p.from, p.name, `Thanks, ${p.name}! What is your 5-digit ZIP code?`),
    signedWebhook(s, p.from, p.zip, 'Can you chip in monthly'),
    signedWebhook(s, p.from, p.pledgeText, "Last one: what's your email address?"),
    signedWebhook(s, p.from, p.email, `You're in, ${p.name}!`),
  ];
}

/**
 * Splits phones across connections (round robin) and gives each connection its request
 * sequence. `perPhone` lists one phone's webhooks in the order it sends them; a connection
 * interleaves its phones at random, keeping each phone's own order, the way a crowd answers at
 * its own pace. A connection sends one request at a time, so each phone's order is preserved.
 */
export function perConnection(phones: Phone[], connections: number, perPhone: (p: Phone, index: number) => Webhook[], seed = 7): Webhook[][] {
  const rnd = prng(seed);
  const lists: Webhook[][] = [];
  for (let c = 0; c < connections; c++) {
    const queues: Webhook[][] = [];
    for (let i = c; i < phones.length; i += connections) queues.push(perPhone(phones[i]!, i));
    const out: Webhook[] = [];
    let remaining = queues.reduce((n, q) => n + q.length, 0);
    const heads = queues.map(() => 0);
    while (remaining > 0) {
      // Pick a phone with answers left, weighted by nothing: a uniformly random live queue.
      let k = Math.floor(rnd() * queues.length);
      while (heads[k]! >= queues[k]!.length) k = (k + 1) % queues.length;
      out.push(queues[k]![heads[k]!]!);
      heads[k]! += 1;
      remaining -= 1;
    }
    lists.push(out);
  }
  return lists;
}
