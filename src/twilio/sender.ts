/**
 * Sends one text through the official twilio client and says what happened, as a typed outcome
 * the dispatcher can act on (nyaruka/courier style: the error decides, not the caller's guess):
 *   ok            Twilio accepted it (sid, status)
 *   opted_out     21610: the recipient replied STOP to Twilio/carrier → mark opted out
 *   undeliverable 21211 / 21614 / 21635: invalid or landline number → mark undeliverable
 *   retryable     429 / 20429, or the connection was refused: NOT sent, safe to send again later
 *   rejected      any other 4xx: not sent, do not retry (accountLevel: every send would fail)
 *   unknown       timeout, reset, 5xx: it may or may not have been sent. Never resend blindly;
 *                 `lookup` asks Twilio whether the message exists.
 * In local mode (no credentials) nothing leaves the machine: the text is logged with a fake SID.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Twilio } from 'twilio';
import type { Config } from '../config';
import { cleanText } from '../core/text';
import { maskPhone } from '../logger';

export interface OutgoingText {
  to: string;
  /** Our sender: a short code "62262" or an E.164 number. Ignored when a Messaging Service is configured. */
  from: string;
  body: string;
}

export type SendOutcome =
  | { kind: 'ok'; sid: string; status: string }
  | { kind: 'opted_out'; code: number; message: string }
  | { kind: 'undeliverable'; code: number; message: string }
  | { kind: 'retryable'; code: number | null; httpStatus: number | null; message: string }
  | { kind: 'rejected'; code: number | null; httpStatus: number; message: string; accountLevel: boolean }
  | { kind: 'unknown'; code: number | null; httpStatus: number | null; message: string };

export type LookupOutcome =
  | { kind: 'found'; sid: string; status: string; errorCode: number | null }
  | { kind: 'absent' }
  | { kind: 'error'; message: string };

export interface Sender {
  readonly mode: 'twilio' | 'local';
  send(text: OutgoingText): Promise<SendOutcome>;
  /**
   * Did a text with this body reach Twilio for this number since `since`? (reconciliation)
   * Messages for which `known(sid)` is true are already accounted for and are skipped.
   */
  lookup(text: OutgoingText, since: Date, known?: (sid: string) => boolean): Promise<LookupOutcome>;
}

export const OPTED_OUT_CODES = new Set([21610]);
export const UNDELIVERABLE_CODES = new Set([21211, 21614, 21635]);
/** Errors about our account or sender, not the recipient: pause the broadcast instead of failing everyone. */
export const ACCOUNT_LEVEL_CODES = new Set([20003, 20005, 20008, 21212, 21603, 21606, 21608, 21659, 30002]);
/** No connection was ever made, so nothing can have been sent. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface TwilioishError {
  status?: unknown;
  code?: unknown;
  message?: unknown;
}

export function classifySendError(err: unknown): Exclude<SendOutcome, { kind: 'ok' }> {
  const e = (err ?? {}) as TwilioishError;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const code = typeof e.code === 'number' ? e.code : null;
  const httpStatus = typeof e.status === 'number' ? e.status : null;
  if (httpStatus === null) {
    // No HTTP answer: axios/network error with a string code.
    if (typeof e.code === 'string' && NOT_CONNECTED.has(e.code)) return { kind: 'retryable', code: null, httpStatus: null, message };
    return { kind: 'unknown', code: null, httpStatus: null, message };
  }
  if (httpStatus === 429 || code === 20429) return { kind: 'retryable', code, httpStatus, message };
  if (httpStatus >= 500) return { kind: 'unknown', code, httpStatus, message };
  if (code !== null && OPTED_OUT_CODES.has(code)) return { kind: 'opted_out', code, message };
  if (code !== null && UNDELIVERABLE_CODES.has(code)) return { kind: 'undeliverable', code, message };
  const accountLevel = httpStatus === 401 || httpStatus === 403 || (code !== null && ACCOUNT_LEVEL_CODES.has(code));
  return { kind: 'rejected', code, httpStatus, message, accountLevel };
}

export class TwilioSender implements Sender {
  readonly mode = 'twilio' as const;
  private readonly statusCallback: string;

  constructor(
    private readonly client: Twilio,
    private readonly config: Config,
  ) {
    this.statusCallback = `${config.publicBaseUrl}/twilio/status`;
  }

  private route(text: OutgoingText): { from: string } | { messagingServiceSid: string } {
    const mg = this.config.twilio.messagingServiceSid;
    return mg ? { messagingServiceSid: mg } : { from: text.from };
  }

  async send(text: OutgoingText): Promise<SendOutcome> {
    try {
      const m = await this.client.messages.create({ to: text.to, body: cleanText(text.body), statusCallback: this.statusCallback, ...this.route(text) });
      return { kind: 'ok', sid: m.sid, status: m.status };
    } catch (err) {
      return classifySendError(err);
    }
  }

  async lookup(text: OutgoingText, since: Date, known: (sid: string) => boolean = () => false): Promise<LookupOutcome> {
    try {
      const page = await this.client.messages.page({ to: text.to, pageSize: 50 });
      const mg = this.config.twilio.messagingServiceSid;
      // An hour of slack for clock differences between us and Twilio.
      const earliest = since.getTime() - 3_600_000;
      const hit = page.instances.find(
        (m) =>
          m.body === cleanText(text.body) &&
          !known(m.sid) &&
          (mg ? m.messagingServiceSid === mg : m.from === text.from) &&
          (!(m.dateCreated instanceof Date) || Number.isNaN(m.dateCreated.getTime()) || m.dateCreated.getTime() >= earliest),
      );
      return hit ? { kind: 'found', sid: hit.sid, status: hit.status, errorCode: hit.errorCode ?? null } : { kind: 'absent' };
    } catch (err) {
      return { kind: 'error', message: (err as Error).message };
    }
  }
}

export function fakeSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

/** Local mode: the outbox row is the record; the log line is the "delivery". */
export class LocalSender implements Sender {
  readonly mode = 'local' as const;
  constructor(private readonly logger: Logger) {}

  async send(text: OutgoingText): Promise<SendOutcome> {
    const sid = fakeSid();
    this.logger.info({ to: maskPhone(text.to), from: text.from, sid, body: text.body }, 'local mode: text recorded in outbox (not sent)');
    return { kind: 'ok', sid, status: 'sent' };
  }

  async lookup(): Promise<LookupOutcome> {
    return { kind: 'absent' };
  }
}

export function createSender(config: Config, logger: Logger, client: () => Twilio): Sender {
  return config.localMode ? new LocalSender(logger) : new TwilioSender(client(), config);
}
