/**
 * Sends one text through the official twilio client and says what happened, as a domain outcome
 * (src/core/sending.ts; the error codes are read in ./error-codes.ts). Implements the
 * dispatcher's TextSender port. `lookup` asks Twilio whether a message whose outcome was unknown
 * exists. In local mode (no credentials) nothing leaves the machine: the text is logged with a
 * fake SID.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Twilio } from 'twilio';
import type { LookupOutcome, OutgoingText, SendOutcome } from '../core/sending';
import { cleanText } from '../core/text';
import { maskPhone } from '../shared/logger';
import type { TextSender } from '../usecases/broadcasts/text-sender';
import type { Config } from '../wiring/config';
import { classifySendError } from './error-codes';

export class TwilioSender implements TextSender {
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

  async lookup(text: OutgoingText, since: Date, known: (sid: string) => Promise<boolean> = async () => false): Promise<LookupOutcome> {
    try {
      const page = await this.client.messages.page({ to: text.to, pageSize: 50 });
      const mg = this.config.twilio.messagingServiceSid;
      // An hour of slack for clock differences between us and Twilio.
      const earliest = since.getTime() - 3_600_000;
      const candidates = page.instances.filter(
        (m) =>
          m.body === cleanText(text.body) &&
          (mg ? m.messagingServiceSid === mg : m.from === text.from) &&
          (!(m.dateCreated instanceof Date) || Number.isNaN(m.dateCreated.getTime()) || m.dateCreated.getTime() >= earliest),
      );
      for (const hit of candidates) {
        if (!(await known(hit.sid))) return { kind: 'found', sid: hit.sid, status: hit.status, errorCode: hit.errorCode ?? null };
      }
      return { kind: 'absent' };
    } catch (err) {
      return { kind: 'error', message: (err as Error).message };
    }
  }
}

export function fakeSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

/** Local mode: the outbox row is the record; the log line is the "delivery". */
export class LocalSender implements TextSender {
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

export function createSender(config: Config, logger: Logger, client: () => Twilio): TextSender {
  return config.localMode ? new LocalSender(logger) : new TwilioSender(client(), config);
}
