/**
 * The official twilio client, built once, on our own HTTP transport (./http-transport.ts: node:http
 * keep-alive instead of the SDK's axios, which made ~45 KB of garbage per message). When
 * TWILIO_API_BASE_URL is set (a loopback fake in tests and benchmarks, or a proxy) requests go
 * there instead of https://api.twilio.com; the SDK itself is left alone (auth, form encoding,
 * RestException parsing). Region and edge stay unset.
 *
 * HTTP_PROXY (honoured by the SDK's own transport through an https proxy agent) keeps the SDK's
 * transport when no base URL is set, so a deployment behind an outbound proxy keeps working.
 */
import twilio from 'twilio';
import type { Config } from '../wiring/config';
import { NodeTransport } from './http-transport';

export interface TwilioClientOptions {
  /** Requests in flight at once (sockets in the pool). */
  maxSockets?: number;
  /** Per-request timeout; after it the outcome of a send is unknown. */
  timeoutMs?: number;
}

export function createTwilioClient(config: Config, options: TwilioClientOptions = {}): twilio.Twilio {
  const timeout = options.timeoutMs ?? config.twilioTimeoutMs;
  const maxSockets = options.maxSockets ?? 64;
  const sdkTransport = !config.twilio.apiBaseUrl && Boolean(process.env.HTTP_PROXY);
  const httpClient = sdkTransport ? undefined : new NodeTransport({ baseUrl: config.twilio.apiBaseUrl ?? undefined, timeout, maxSockets });
  // autoRetry stays off: the dispatcher handles 429 itself (row back to pending with a backoff on
  // the injected clock) so a retry never hides inside a request the lease does not cover.
  return twilio(config.twilio.accountSid, config.twilio.authToken, {
    httpClient, timeout, keepAlive: true, maxSockets, autoRetry: false,
  });
}
