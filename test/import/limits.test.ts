/**
 * Size limits of one import (one transaction holds the write lock while it runs) and uploads cut
 * off halfway: the file is refused whole. Driven through importContacts, the function both the
 * API and the CLI call, with small limits so the test stays fast.
 */
import { Readable } from 'node:stream';
import { AppError } from '../../src/shared/errors';
import { importContacts } from '../../src/usecases/imports/run';
import { testApp, type TestApp } from '../helpers/app';
import { tableCounts } from '../helpers/imports';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

function csv(rows: number): string {
  let s = 'phone,first_name\n';
  for (let i = 0; i < rows; i++) s += `+1312${String(5_000_000 + i)},P${i}\n`;
  return s;
}

const deps = () => ({ store: t.ctx.store, clock: t.clock, newId: t.ctx.newId });
const options = { source: 'api' as const, consent: 'none' as const, dryRun: false, strict: false };

test('more rows than the limit: 413, nothing imported', async () => {
  const run = importContacts(deps(), Readable.from([csv(51)]), { ...options, maxRows: 50 });
  await expect(run).rejects.toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('more than 50 rows') });
  expect(tableCounts(t.ctx.db).contacts).toBe(0);
  const ok = await importContacts(deps(), Readable.from([csv(50)]), { ...options, maxRows: 50 });
  expect(ok.totals.created).toBe(50);
});

test('more bytes than the limit, arriving in chunks: 413, nothing imported', async () => {
  const body = Buffer.from(csv(400));
  const chunks = [body.subarray(0, 4000), body.subarray(4000, 8000), body.subarray(8000)];
  const run = importContacts(deps(), Readable.from(chunks), { ...options, maxBytes: 6000 });
  await expect(run).rejects.toBeInstanceOf(AppError);
  await expect(importContacts(deps(), Readable.from(chunks), { ...options, maxBytes: 6000 })).rejects.toMatchObject({ code: 'payload_too_large' });
  expect(tableCounts(t.ctx.db).contacts).toBe(0);
});

test('an upload cut off halfway (connection reset) is a 400 and nothing is imported', async () => {
  async function* cutOff() {
    yield Buffer.from(csv(30));
    throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
  }
  const run = importContacts(deps(), cutOff(), options);
  await expect(run).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringContaining('the upload was interrupted') });
  expect(tableCounts(t.ctx.db).contacts).toBe(0);
});
