/**
 * The Twilio REST client's transport: node:http / node:https with one keep-alive agent, handed to
 * the official SDK as its `httpClient` (a RequestClient subclass). The SDK still does everything
 * Twilio-specific: it builds the request (URL, auth, form fields, User-Agent) and reads the answer
 * (RestException with Twilio's error code, pages). Only the HTTP exchange is ours.
 *
 * Why: the SDK's own transport (axios) made ~45 KB of garbage per message (config merging,
 * header objects, interceptors, a parsed URL and a response transform per request). At 3,000
 * messages a second the heap grew far ahead of the collector: a 100,000-recipient broadcast
 * peaked at 252-262 MB RSS; with this transport it stays under 200 MB (docs/performance.md).
 *
 * Same behaviour as the SDK's transport where it matters to the sender (src/twilio/error-codes.ts):
 * a refused connection fails with its errno code (ECONNREFUSED: nothing was sent), a request that
 * sees no answer within the timeout fails with code ECONNABORTED (outcome unknown), every HTTP
 * status is returned for the SDK to judge, redirects are not followed. The body is returned as
 * text; the SDK parses JSON text itself.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import qs from 'qs';
import RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';

/** https://api.twilio.com, also with an edge/region inserted (api.sydney.au1.twilio.com). */
const TWILIO_API_ORIGIN = /^https:\/\/api(?:\.[a-z0-9-]+)*\.twilio\.com(?=\/|$)/i;
const DEFAULT_TIMEOUT_MS = 30_000;

export interface NodeTransportOptions {
  /** Send to this origin instead of https://api.twilio.com (a loopback fake, a proxy). */
  baseUrl?: string;
  /** Per-request timeout (no answer within it: the outcome of the request is unknown). */
  timeout?: number;
  /** Requests in flight at once (sockets per origin). */
  maxSockets?: number;
}

export class NodeTransport extends RequestClient {
  private readonly base: string | null;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(options: NodeTransportOptions = {}) {
    // The SDK's constructor builds an axios instance this class never uses: give it the same
    // timeout so its `defaultTimeout` (read by nobody else) is not misleading.
    super({ timeout: options.timeout ?? DEFAULT_TIMEOUT_MS, keepAlive: true, autoRetry: false });
    this.base = options.baseUrl ? options.baseUrl.replace(/\/+$/, '') : null;
    const sockets = options.maxSockets ?? 64;
    const agent = { keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, scheduling: 'lifo' as const };
    // Like the SDK: a CA bundle named by TWILIO_CA_BUNDLE is trusted for api.twilio.com.
    const ca = process.env.TWILIO_CA_BUNDLE ? fs.readFileSync(process.env.TWILIO_CA_BUNDLE) : undefined;
    this.agents = { http: new http.Agent(agent), https: new https.Agent(ca ? { ca, ...agent } : agent) };
  }

  /** The URL a request for `uri` goes to (the base URL instead of Twilio's API origin, when set). */
  rewrite(uri: string): string {
    return this.base ? uri.replace(TWILIO_API_ORIGIN, this.base) : uri;
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    if (!opts.method) throw new Error('http method is required');
    if (!opts.uri) throw new Error('uri is required');
    // Copied key by key: `{ ...h }` followed by new keys gets a new hidden class per request (see below).
    const headers: Record<string, string> = {};
    const given = opts.headers as Record<string, string> | undefined;
    if (given) for (const k of Object.keys(given)) headers[k] = given[k]!;
    if (!headers.Connection && !headers.connection) headers.Connection = 'keep-alive';
    if (opts.username && opts.password) headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    else if (opts.authStrategy) headers.Authorization = await opts.authStrategy.getAuthString();

    let body: string | undefined;
    if (opts.data) {
      const type = headers['Content-Type'];
      if (type === 'application/x-www-form-urlencoded') body = qs.stringify(opts.data, { arrayFormat: 'repeat' });
      else if (type === 'application/json') body = JSON.stringify(opts.data);
    }
    if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
    let url = this.rewrite(opts.uri);
    if (opts.params) {
      const query = qs.stringify(opts.params, { arrayFormat: 'repeat' });
      if (query) url += `${url.includes('?') ? '&' : '?'}${query}`;
    }
    const timeout = opts.timeout ?? this.defaultTimeout;
    const secure = url.startsWith('https:');
    if (!secure && !url.startsWith('http:')) throw new Error(`unsupported URL ${url}`);

    return new Promise<Response<TData>>((resolve, reject) => {
      const req = (secure ? https : http).request(
        url,
        { method: opts.method.toUpperCase(), headers, agent: secure ? this.agents.https : this.agents.http },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
            resolve({ statusCode: res.statusCode ?? 0, body: text as unknown as TData, headers: res.headers } as Response<TData>);
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(timeout, () => {
        req.destroy(Object.assign(new Error(`timeout of ${timeout}ms exceeded`), { code: 'ECONNABORTED' }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Closes the pooled sockets (tests, tools). */
  destroy(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
