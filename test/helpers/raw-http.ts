/** A raw HTTP POST with full control of headers and body bytes (for fuzzing and parity tests). */
import http from 'node:http';
import net from 'node:net';

export interface RawRequest {
  path?: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawReply {
  status: number;
  type: string | undefined;
  retryAfter: string | undefined;
  body: string;
}

export function rawPost(port: number, r: RawRequest, agent?: http.Agent): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1', port, method: 'POST', path: r.path ?? '/twilio/sms', agent,
        headers: { ...r.headers, 'content-length': String(r.body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!, type: res.headers['content-type'], retryAfter: res.headers['retry-after'] as string | undefined,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

export interface RawExchange {
  status: number;
  /** The whole answer as received (status line, headers, body). */
  text: string;
}

/**
 * Writes `head` (request line and headers, exactly as given: absolute-form targets, bad escapes)
 * and `body` on a fresh socket, and resolves with the answer once the server closes the
 * connection (send `Connection: close`). Bounded: rejects after timeoutMs.
 */
export function rawExchange(port: number, head: string, body: Buffer | string = '', timeoutMs = 5000): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms to: ${head.split('\r\n')[0]}`));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, text });
    });
    // No half-close: node's http server aborts a request whose client ended its side early.
    socket.write(head);
    socket.write(body);
  });
}
