/**
 * Drives a server with autocannon (as a library): one pre-built request sequence per connection,
 * each request sent exactly once, one at a time per connection (no pipelining), so every phone's
 * texts arrive in order while different phones interleave across connections.
 */
import autocannon from 'autocannon';
import type { Server } from './processes';
import type { Webhook } from './crowd';

export interface PhaseResult {
  phase: string;
  server: string;
  connections: number;
  requests: number;
  durationS: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Socket errors + timeouts + non-2xx + replies that were not the expected one. */
  errors: number;
  non2xx: number;
  wrongReplies: number;
  peakRssMb: number;
  /** performance.now() of the first request and of the last response (the screen-delay measure of --poll). */
  startedAt?: number;
  lastResponseAt?: number;
  /** Server CPU time (user + system) per request: the hot path's cost, independent of the load generator. */
  serverCpuMsPerReq: number;
  /** The same for the server's main thread alone (its event loop). */
  mainThreadCpuMsPerReq: number;
}

/**
 * One connection's signed webhooks as autocannon requests; with `checkReplies`, a 200 whose TwiML
 * lacks the expected reply calls `wrong` (counted as an error of the phase).
 */
function requestsOf(list: Webhook[], checkReplies: boolean, wrong: () => void) {
  return list.map((w) => ({
    method: 'POST',
    path: '/twilio/sms',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': w.signature },
    body: w.body,
    ...(checkReplies
      ? {
          onResponse: (status: number, body: string) => {
            if (status === 200 && !body.includes(w.expect.replace(/&/g, '&amp;'))) wrong();
          },
        }
      : {}),
  }));
}

export async function drive(
  server: Server, phase: string, lists: Webhook[][], options: { checkReplies: boolean },
): Promise<PhaseResult> {
  let wrongReplies = 0;
  const total = lists.reduce((n, l) => n + l.length, 0);
  const perConnection = lists.map((list) => requestsOf(list, options.checkReplies, () => wrongReplies++));
  let next = 0;
  // autocannon only notices the end of a run on its next 1-second sample tick, so its own
  // duration is rounded up by up to a second: time the run from the start to the last response.
  let lastResponse = 0;
  const started = performance.now();
  const cpuBefore = server.cpuMs();
  const mainBefore = server.mainThreadCpuMs();
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections: lists.length,
    pipelining: 1,
    amount: total,
    timeout: 15, // Twilio's own webhook deadline
    setupClient: (client) => {
      const list = perConnection[next++]!;
      client.setRequests(list);
      client.responseMax = list.length;
      client.on('response', () => {
        lastResponse = performance.now();
      });
    },
  });
  const cpuUsed = server.cpuMs() - cpuBefore;
  const mainUsed = server.mainThreadCpuMs() - mainBefore;
  const durationS = (lastResponse - started) / 1000;
  const completed = result.requests.total;
  return {
    phase,
    server: server.name,
    connections: lists.length,
    requests: completed,
    durationS,
    reqPerSec: completed / durationS,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx + wrongReplies,
    non2xx: result.non2xx,
    wrongReplies,
    peakRssMb: server.peakRssMb(),
    serverCpuMsPerReq: cpuUsed / completed,
    mainThreadCpuMsPerReq: mainUsed / completed,
    startedAt: started,
    lastResponseAt: lastResponse,
  };
}

/** The latency percentile `p` (0-100) of sorted times, nearest rank. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Several gateways at once (as behind a load balancer): connection i goes to gateway i % N, one
 * autocannon per gateway, all started together; latencies are recorded per response and merged,
 * so p50/p99 are over every request of the phase. CPU is the sum over the gateways, peak RSS the
 * largest; `name` labels the row.
 */
export async function driveMany(
  servers: Server[], name: string, phase: string, lists: Webhook[][], options: { checkReplies: boolean },
): Promise<PhaseResult> {
  let wrongReplies = 0;
  const times: number[] = [];
  const shares = servers.map((_, s) => lists.filter((_l, i) => i % servers.length === s));
  let lastResponse = 0;
  const started = performance.now();
  const cpuBefore = servers.map((s) => s.cpuMs());
  const mainBefore = servers.map((s) => s.mainThreadCpuMs());
  const results = await Promise.all(
    servers.map((server, s) => {
      const perConnection = shares[s]!.map((list) => requestsOf(list, options.checkReplies, () => wrongReplies++));
      let next = 0;
      return autocannon({
        url: `http://127.0.0.1:${server.port}`,
        connections: perConnection.length,
        pipelining: 1,
        amount: perConnection.reduce((n, l) => n + l.length, 0),
        timeout: 15,
        setupClient: (client) => {
          const list = perConnection[next++]!;
          client.setRequests(list);
          client.responseMax = list.length;
          client.on('response', (...args: unknown[]) => {
            lastResponse = performance.now();
            times.push(Number(args[2]));
          });
        },
      });
    }),
  );
  const cpuUsed = servers.reduce((n, s, i) => n + s.cpuMs() - cpuBefore[i]!, 0);
  const mainUsed = servers.reduce((n, s, i) => n + s.mainThreadCpuMs() - mainBefore[i]!, 0);
  const durationS = (lastResponse - started) / 1000;
  const completed = results.reduce((n, r) => n + r.requests.total, 0);
  times.sort((a, b) => a - b);
  return {
    phase,
    server: name,
    connections: lists.length,
    requests: completed,
    durationS,
    reqPerSec: completed / durationS,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    maxMs: times[times.length - 1] ?? Number.NaN,
    errors: results.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0) + wrongReplies,
    non2xx: results.reduce((n, r) => n + r.non2xx, 0),
    wrongReplies,
    peakRssMb: Math.max(...servers.map((s) => s.peakRssMb())),
    serverCpuMsPerReq: cpuUsed / completed,
    mainThreadCpuMsPerReq: mainUsed / completed,
  };
}
