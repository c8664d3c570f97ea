/**
 * The gateway's HTTP server and its own limits against slow or piled-up clients.
 *
 * Why: node's defaults let a client that trickles its request hold a socket for up to 300 s
 * (requestTimeout; headers 60 s), checked only every 30 s, with no cap on open sockets. A few
 * thousand such sockets cost memory and file descriptors while doing nothing. These limits
 * only bound *receiving* a request: a long answer (a CSV export, a live screen's event stream)
 * is not cut short by them.
 */
import { createServer, type RequestListener, type Server } from 'node:http';

export interface ServerLimits {
  /** Every request header must arrive within this (Twilio and browsers send them at once). */
  headersTimeoutMs: number;
  /** The whole request, body included: room for the largest import (32 MB) on a slow uplink. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this; longer than a proxy's usual 60 s, so the proxy closes first. */
  keepAliveTimeoutMs: number;
  /** Open sockets at most (2,000 live screens fit); beyond it new connections are closed at once. */
  maxConnections: number;
  /** How often node checks the two timeouts above (its default is 30 s). */
  checkIntervalMs: number;
}

export const SERVER_LIMITS: ServerLimits = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 4_096,
  checkIntervalMs: 1_000,
});

export function createGatewayServer(listener: RequestListener, limits: ServerLimits = SERVER_LIMITS): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    listener,
  );
  server.maxConnections = limits.maxConnections;
  return server;
}
