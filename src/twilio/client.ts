/**
 * The official twilio client, built once. When TWILIO_API_BASE_URL is set (a loopback fake in
 * tests and benchmarks, or a proxy) requests go there instead of https://api.twilio.com: the
 * client is given an `httpClient`, a RequestClient subclass that rewrites the origin and otherwise
 * leaves the SDK alone (auth, form encoding, RestException parsing). Region and edge stay unset.
 */
import http from 'node:http';
import https from 'node:https';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';
import type { Config } from '../wiring/config';

/** https://api.twilio.com, also with an edge/region inserted (api.sydney.au1.twilio.com). */
const TWILIO_API_ORIGIN = /^https:\/\/api(?:\.[a-z0-9-]+)*\.twilio\.com(?=\/|$)/i;

export class BaseUrlRequestClient extends RequestClient {
  private readonly base: string;

  constructor(baseUrl: string, opts: RequestClient.RequestClientOptions & { maxSockets?: number } = {}) {
    super(opts);
    this.base = baseUrl.replace(/\/+$/, '');
    // The SDK only configures an https agent; a plain-http base (loopback) gets a keep-alive one too.
    const agent = { keepAlive: true, maxSockets: opts.maxSockets ?? 64, maxFreeSockets: opts.maxSockets ?? 64 };
    this.axios.defaults.httpAgent = new http.Agent(agent);
    if (this.base.startsWith('https:')) this.axios.defaults.httpsAgent = new https.Agent(agent);
  }

  rewrite(uri: string): string {
    return uri.replace(TWILIO_API_ORIGIN, this.base);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request({ ...opts, uri: this.rewrite(opts.uri) });
  }
}

export interface TwilioClientOptions {
  /** Requests in flight at once (sockets in the pool). */
  maxSockets?: number;
  /** Per-request timeout; after it the outcome of a send is unknown. */
  timeoutMs?: number;
}

export function createTwilioClient(config: Config, options: TwilioClientOptions = {}): twilio.Twilio {
  const timeout = options.timeoutMs ?? config.twilioTimeoutMs;
  const maxSockets = options.maxSockets ?? 64;
  const httpClient = config.twilio.apiBaseUrl
    ? new BaseUrlRequestClient(config.twilio.apiBaseUrl, { timeout, keepAlive: true, maxSockets, autoRetry: false })
    : undefined;
  // autoRetry stays off: the dispatcher handles 429 itself (row back to pending with a backoff on
  // the injected clock) so a retry never hides inside a request the lease does not cover.
  return twilio(config.twilio.accountSid, config.twilio.authToken, {
    httpClient, timeout, keepAlive: true, maxSockets, autoRetry: false,
  });
}
