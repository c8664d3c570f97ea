/**
 * Drill: a slow client against the real gateway process (dist/main.js). A socket trickling its
 * headers is cut off after the server's headersTimeout (node's defaults let it hold on for a
 * minute or more) while everyone else is served.
 */
import net from 'node:net';
import { SERVER_LIMITS } from '../../src/http/server';
import { tempDbFile } from '../helpers/app';
import { gatewayEnv, startGateway, type GatewayProcess } from '../helpers/gateway-process';

jest.setTimeout(60_000);

function openSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s)).once('error', reject);
  });
}

describe('a client trickling its headers', () => {
  let gw: GatewayProcess;
  beforeAll(async () => {
    gw = await startGateway(gatewayEnv(tempDbFile()));
  });
  afterAll(async () => {
    gw.kill('SIGTERM');
    await gw.exited;
  });

  test(`is cut off (408) within headersTimeout (${SERVER_LIMITS.headersTimeoutMs / 1000} s) plus a check interval; others are served meanwhile`, async () => {
    const socket = await openSocket(gw.port);
    const started = Date.now();
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    socket.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
    const head = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(200)}`;
    let i = 0;
    const timer = setInterval(() => {
      if (!socket.destroyed && i < head.length) socket.write(head[i++]!);
    }, 250);
    try {
      const bound = SERVER_LIMITS.headersTimeoutMs + SERVER_LIMITS.checkIntervalMs + 2_000;
      const outcome = await Promise.race([closed, new Promise<string>((r) => setTimeout(() => r('still open'), bound))]);
      expect(outcome).not.toBe('still open');
      expect(outcome as number).toBeGreaterThanOrEqual(SERVER_LIMITS.headersTimeoutMs - 500);
      expect(received).toMatch(/^HTTP\/1\.1 408/);
      expect((await fetch(`${gw.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      clearInterval(timer);
      socket.destroy();
    }
  });
});
