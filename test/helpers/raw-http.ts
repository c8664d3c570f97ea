/** A raw HTTP POST with full control of headers and body bytes (for fuzzing and parity tests). */
import http from 'node:http';

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
