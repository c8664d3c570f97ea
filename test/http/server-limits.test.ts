/**
 * The gateway server's own limits, on a real server with real sockets (limits shortened so the
 * test takes a second or two; test/drills/slow-client.test.ts checks the real values on the real
 * process): trickled headers and trickled bodies are cut off, an idle keep-alive connection is
 * not mistaken for a slow one, and sockets beyond the cap are closed at once.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createGatewayServer, SERVER_LIMITS, type ServerLimits } from '../../src/http/server';

const LIMITS: ServerLimits = { headersTimeoutMs: 300, requestTimeoutMs: 800, keepAliveTimeoutMs: 1_500, maxConnections: 4, checkIntervalMs: 50 };

let server: Server;
let port: number;
const sockets: net.Socket[] = [];

beforeEach(async () => {
  server = createGatewayServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  }, LIMITS);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.destroy());
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

interface Watched {
  socket: net.Socket;
  received: () => string;
  /** Milliseconds from connect until the server closed the socket (rejects after `withinMs`). */
  closed: (withinMs: number) => Promise<number>;
}

async function connect(): Promise<Watched> {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const started = Date.now();
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString()));
  socket.on('error', () => undefined);
  const ended = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  return {
    socket,
    received: () => text,
    closed: (withinMs) =>
      Promise.race([ended, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`socket still open after ${withinMs} ms`)), withinMs))]),
  };
}

const trickle = (s: net.Socket, text: string, everyMs: number) => {
  let i = 0;
  const timer = setInterval(() => {
    if (i >= text.length || s.destroyed) return clearInterval(timer);
    s.write(text[i++]!);
  }, everyMs);
  return () => clearInterval(timer);
};

test('the real limits are set on the server main.ts creates', () => {
  const s = createGatewayServer(() => undefined);
  expect({ headers: s.headersTimeout, request: s.requestTimeout, keepAlive: s.keepAliveTimeout, max: s.maxConnections }).toEqual({
    headers: SERVER_LIMITS.headersTimeoutMs, request: SERVER_LIMITS.requestTimeoutMs, keepAlive: SERVER_LIMITS.keepAliveTimeoutMs, max: SERVER_LIMITS.maxConnections,
  });
  expect(SERVER_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(15_000); // Twilio's whole webhook deadline
});

test('headers trickled a byte at a time are cut off after headersTimeout (408)', async () => {
  const c = await connect();
  const stop = trickle(c.socket, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(500), 40);
  const ms = await c.closed(3_000);
  stop();
  expect(ms).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - 50);
  expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
});

test('a connection that never sends a byte is cut off too', async () => {
  const c = await connect();
  expect(await c.closed(3_000)).toBeLessThan(LIMITS.requestTimeoutMs + 500);
});

test('a body trickled a byte at a time is cut off after requestTimeout (408)', async () => {
  const c = await connect();
  c.socket.write('POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n');
  const stop = trickle(c.socket, 'b'.repeat(1000), 40);
  const ms = await c.closed(3_000);
  stop();
  expect(ms).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - 50);
  expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
});

test('an idle keep-alive connection outlives headersTimeout and serves its next request', async () => {
  const c = await connect();
  c.socket.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise((r) => setTimeout(r, LIMITS.headersTimeoutMs * 2));
  c.socket.write('GET /b HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise((r) => setTimeout(r, 100));
  expect(c.received().match(/HTTP\/1\.1 200/g)).toHaveLength(2);
  // …and is closed once idle for keepAliveTimeout.
  await c.closed(LIMITS.keepAliveTimeoutMs + 1_000);
});

test('sockets beyond maxConnections are closed at once; the first ones are still served', async () => {
  const held = await Promise.all(Array.from({ length: LIMITS.maxConnections }, () => connect()));
  const extra = await connect();
  expect(await extra.closed(500)).toBeLessThan(500);
  held[0]!.socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await held[0]!.closed(1_000);
  expect(held[0]!.received()).toMatch(/^HTTP\/1\.1 200/);
});
