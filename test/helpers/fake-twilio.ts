/**
 * A fake Twilio REST API on loopback, for the real twilio client to talk to (TWILIO_API_BASE_URL).
 * It records every request, creates messages like Twilio (201 with sid/status), can answer any
 * error code (21610, 429, 500…), hang, or drop the connection (optionally after creating the
 * message, as when Twilio got it but the answer was lost), serves the message list and fetch
 * endpoints used for reconciliation, and posts status callbacks back, signed with the real twilio
 * library, in whatever order a test asks for.
 *
 * No jest imports: the broadcast benchmark runs it in a child process.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { segmentCount } from '../../src/core/segments';

export type Behaviour =
  | 'ok'
  /** Any Twilio REST error: { error: 21610 } → HTTP 400 with that code; status defaults by code. */
  | { error: number; status?: number; message?: string }
  /** Never answer (the client times out). */
  | 'hang'
  /** Create the message, then never answer: Twilio has it, the client does not know. */
  | 'hang-created'
  | 'http500'
  | 'http500-created'
  /** Drop the connection without answering. */
  | 'reset'
  | 'reset-created';

export interface FakeMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  status: string;
  errorCode: number | null;
  dateCreated: Date;
}

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  authorized: boolean;
  behaviour: string;
  at: Date;
}

export interface FakeTwilioOptions {
  accountSid: string;
  authToken: string;
  /** Clock for date_created (a test's ManualClock, so lookups see the same time). */
  now?: () => Date;
  /** Delay every answer this long (wide in-flight windows for crash tests; 0 for speed). */
  latencyMs?: number;
  /** Keep full request/message records (off in the benchmark: counters only). */
  record?: boolean;
  /** Where status callbacks really go: replaces the origin of each message's StatusCallback URL. */
  callbackOrigin?: string;
  /** Keep the creation time of every message (createdTimes). */
  times?: boolean;
}

const DEFAULT_STATUS: Record<number, number> = { 20003: 401, 20429: 429, 20500: 500 };

function rfc2822(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

export class FakeTwilio {
  readonly requests: RecordedRequest[] = [];
  readonly messages: FakeMessage[] = [];
  /** Messages created per recipient number (kept even when record is off). */
  readonly createdPerNumber = new Map<string, number>();
  createdCount = 0;
  /** performance.now() of the first and last message created (throughput as Twilio would see it). */
  firstCreatedAt = 0;
  lastCreatedAt = 0;
  /** performance.now() of every message created, when `times` is on (benchmark rate windows). */
  readonly createdTimes: number[] = [];
  requestCount = 0;
  url = '';
  callbackOrigin: string | undefined;
  latencyMs: number;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly queued: Behaviour[] = [];
  private readonly perNumber = new Map<string, Behaviour[]>();
  private script: ((m: { to: string; body: string; index: number }) => Behaviour) | null = null;
  /** Answer message lookups (list/fetch) with 500, as during an outage. */
  failLookups = false;
  /** Awaited before a create request is answered: lets a test act while a send is in flight. */
  onCreate: ((m: { to: string; body: string; index: number }) => Promise<void> | void) | null = null;
  private readonly bySid = new Map<string, FakeMessage>();

  constructor(private readonly opts: FakeTwilioOptions) {
    this.latencyMs = opts.latencyMs ?? 0;
    this.now = opts.now ?? (() => new Date());
    this.callbackOrigin = opts.callbackOrigin;
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next requests (any number) get these behaviours, in order; then 'ok'. */
  next(...behaviours: Behaviour[]): this {
    this.queued.push(...behaviours);
    return this;
  }

  /** Requests to this number get these behaviours, in order; then 'ok'. */
  forNumber(to: string, ...behaviours: Behaviour[]): this {
    this.perNumber.set(to, [...(this.perNumber.get(to) ?? []), ...behaviours]);
    return this;
  }

  /** Decide every request with a function (overrides nothing queued). */
  behave(fn: ((m: { to: string; body: string; index: number }) => Behaviour) | null): this {
    this.script = fn;
    return this;
  }

  /** Clock for date_created; a test sets its ManualClock here. */
  now: () => Date;

  private choose(to: string, body: string): Behaviour {
    const mine = this.perNumber.get(to);
    if (mine && mine.length > 0) return mine.shift()!;
    if (this.queued.length > 0) return this.queued.shift()!;
    return this.script ? this.script({ to, body, index: this.requestCount }) : 'ok';
  }

  private authorized(req: http.IncomingMessage): boolean {
    const expected = `Basic ${Buffer.from(`${this.opts.accountSid}:${this.opts.authToken}`).toString('base64')}`;
    return req.headers.authorization === expected;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const params = req.method === 'POST' ? Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) : Object.fromEntries(url.searchParams);
      const authorized = this.authorized(req);
      const base = `/2010-04-01/Accounts/${this.opts.accountSid}`;
      const answer = (status: number, body: unknown) => {
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (this.latencyMs > 0) setTimeout(send, this.latencyMs);
        else send();
      };
      const record = (behaviour: string) => {
        this.requestCount += 1;
        if (this.opts.record !== false) this.requests.push({ method: req.method ?? '', path: url.pathname, params, authorized, behaviour, at: new Date() });
      };
      if (!authorized) {
        record('unauthorized');
        return answer(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
      }
      if (req.method === 'POST' && url.pathname === `${base}/Messages.json`) return this.create(params, record, answer, res);
      if (req.method === 'GET' && this.failLookups) {
        record('lookup failed');
        return answer(500, { code: 20500, message: 'Internal Server Error', status: 500 });
      }
      if (req.method === 'GET' && url.pathname === `${base}/Messages.json`) {
        record('list');
        const to = params.To;
        const size = Number(params.PageSize ?? 50);
        const list = this.messages.filter((m) => !to || m.to === to).reverse().slice(0, size);
        return answer(200, {
          messages: list.map((m) => this.resource(m)), end: list.length - 1, first_page_uri: `${url.pathname}?PageSize=${size}&Page=0`,
          next_page_uri: null, page: 0, page_size: size, previous_page_uri: null, start: 0, uri: req.url,
        });
      }
      const fetch = new RegExp(`^${base}/Messages/(SM[0-9a-f]{32})\\.json$`).exec(url.pathname);
      if (req.method === 'GET' && fetch) {
        record('fetch');
        const m = this.bySid.get(fetch[1]!);
        return m ? answer(200, this.resource(m)) : answer(404, { code: 20404, message: 'Not found', status: 404 });
      }
      record('not_found');
      answer(404, { code: 20404, message: `The requested resource ${url.pathname} was not found`, status: 404 });
    });
  }

  private create(
    params: Record<string, string>, record: (b: string) => void, answer: (status: number, body: unknown) => void, res: http.ServerResponse,
  ): void {
    const to = params.To ?? '';
    const body = params.Body ?? '';
    const index = this.requestCount;
    const behaviour = this.choose(to, body);
    record(typeof behaviour === 'string' ? behaviour : `error ${behaviour.error}`);
    if (!params.To || !params.Body || !(params.From || params.MessagingServiceSid)) {
      return answer(400, { code: 21604, message: "A 'To' phone number, Body and From are required.", status: 400 });
    }
    const creates = behaviour === 'ok' || behaviour === 'hang-created' || behaviour === 'http500-created' || behaviour === 'reset-created';
    let message: FakeMessage | undefined;
    if (creates) {
      message = {
        sid: `SM${randomBytes(16).toString('hex')}`, to, from: params.MessagingServiceSid ? null : (params.From ?? null),
        messagingServiceSid: params.MessagingServiceSid ?? null, body, statusCallback: params.StatusCallback ?? null,
        status: params.MessagingServiceSid ? 'accepted' : 'queued', errorCode: null, dateCreated: this.now(),
      };
      this.createdCount += 1;
      this.lastCreatedAt = performance.now();
      if (this.createdCount === 1) this.firstCreatedAt = this.lastCreatedAt;
      if (this.opts.times) this.createdTimes.push(this.lastCreatedAt);
      this.createdPerNumber.set(to, (this.createdPerNumber.get(to) ?? 0) + 1);
      if (this.opts.record !== false) {
        this.messages.push(message);
        this.bySid.set(message.sid, message);
      }
    }
    if (this.onCreate) {
      const hook = this.onCreate;
      void Promise.resolve(hook({ to, body, index })).then(() => this.finish(behaviour, message, answer, res));
      return;
    }
    this.finish(behaviour, message, answer, res);
  }

  private finish(
    behaviour: Behaviour, message: FakeMessage | undefined, answer: (status: number, body: unknown) => void, res: http.ServerResponse,
  ): void {
    if (behaviour === 'ok') return answer(201, this.resource(message!));
    if (behaviour === 'hang' || behaviour === 'hang-created') return; // the socket stays open until close()
    if (behaviour === 'reset' || behaviour === 'reset-created') {
      res.socket?.destroy();
      return;
    }
    if (behaviour === 'http500' || behaviour === 'http500-created') {
      return answer(500, { code: 20500, message: 'Internal Server Error', more_info: 'https://www.twilio.com/docs/errors/20500', status: 500 });
    }
    const status = behaviour.status ?? DEFAULT_STATUS[behaviour.error] ?? 400;
    answer(status, {
      code: behaviour.error, message: behaviour.message ?? `Error ${behaviour.error}`,
      more_info: `https://www.twilio.com/docs/errors/${behaviour.error}`, status,
    });
  }

  private resource(m: FakeMessage): Record<string, unknown> {
    const uri = `/2010-04-01/Accounts/${this.opts.accountSid}/Messages/${m.sid}.json`;
    return {
      account_sid: this.opts.accountSid, api_version: '2010-04-01', body: m.body, date_created: rfc2822(m.dateCreated),
      date_sent: null, date_updated: rfc2822(m.dateCreated), direction: 'outbound-api', error_code: m.errorCode, error_message: null,
      from: m.from, messaging_service_sid: m.messagingServiceSid, num_media: '0', num_segments: String(segmentCount(m.body)),
      price: null, price_unit: 'USD', sid: m.sid, status: m.status, subresource_uris: { media: uri.replace('.json', '/Media.json') },
      to: m.to, uri,
    };
  }

  messagesTo(to: string): FakeMessage[] {
    return this.messages.filter((m) => m.to === to);
  }

  message(sid: string): FakeMessage | undefined {
    return this.bySid.get(sid);
  }

  /**
   * Post a status callback for a message, as Twilio does: form params in the captured shape,
   * signed against the message's StatusCallback URL, delivered to callbackOrigin + its path.
   */
  async postStatus(sid: string, status: string, errorCode?: number): Promise<number> {
    const m = this.bySid.get(sid);
    if (!m || !m.statusCallback) throw new Error(`no message ${sid} with a status callback`);
    m.status = status;
    if (errorCode !== undefined) m.errorCode = errorCode;
    const params: Record<string, string> = {
      SmsSid: sid, SmsStatus: status, MessageStatus: status, To: m.to, MessageSid: sid, AccountSid: this.opts.accountSid,
      From: m.from ?? '62262', ApiVersion: '2010-04-01',
      ...(m.messagingServiceSid ? { MessagingServiceSid: m.messagingServiceSid } : {}),
      ...(errorCode !== undefined ? { ErrorCode: String(errorCode) } : {}),
      ...(status === 'delivered' ? { RawDlrDoneDate: '2611212205' } : {}),
    };
    const signature = getExpectedTwilioSignature(this.opts.authToken, m.statusCallback, params);
    const target = new URL(m.statusCallback);
    const url = this.callbackOrigin ? `${this.callbackOrigin.replace(/\/+$/, '')}${target.pathname}${target.search}` : m.statusCallback;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
    await res.arrayBuffer();
    return res.status;
  }
}

export async function fakeTwilioApi(opts: FakeTwilioOptions): Promise<FakeTwilio> {
  return new FakeTwilio(opts).listen();
}
