/** Reading exports back with an independent parser (csv-parse), strictly. */
import type { RequestListener } from 'node:http';
import { parse } from 'csv-parse/sync';
import request from 'supertest';

/** Header + rows as objects; fails on anything that is not well-formed RFC 4180. */
export function readCsv(text: string): { header: string[]; rows: Record<string, string>[] } {
  const records = parse(text, { bom: true, relax_column_count: false, record_delimiter: '\r\n' }) as string[][];
  const [header, ...data] = records;
  if (!header) throw new Error('empty CSV');
  return { header, rows: data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!]))) };
}


export interface Download {
  status: number;
  headers: Record<string, string>;
  /** The exact bytes sent. */
  body: Buffer;
  /** UTF-8 decoded, BOM kept. */
  text: string;
  json: unknown;
}

/** GET a CSV export with a bearer token and keep the raw bytes. */
export async function download(app: RequestListener, path: string, token: string | null): Promise<Download> {
  let req = request(app).get(path);
  if (token) req = req.set('Authorization', `Bearer ${token}`);
  const res = await req.buffer(true).parse((r, done) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => done(null, Buffer.concat(chunks)));
  });
  const body = res.body as Buffer;
  const text = body.toString('utf8');
  let json: unknown = null;
  if (String(res.headers['content-type'] ?? '').includes('json')) json = JSON.parse(text);
  return { status: res.status, headers: res.headers as Record<string, string>, body, text, json };
}
