/**
 * Drill: SIGTERM in the middle of a burst. The gateway stops accepting connections, finishes
 * every webhook it has started (answered 200 and committed), flushes the database (the WAL is
 * checkpointed into the file and removed) and exits 0.
 */
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { tempDbFile } from '../helpers/app';
import { crowd, paramsOf, postSms, type Answer } from '../helpers/crowd';
import { gatewayEnv, startGateway } from '../helpers/gateway-process';

jest.setTimeout(60_000);

test('SIGTERM mid-burst: in-flight webhooks finish, nothing new is accepted, exit 0, database flushed', async () => {
  const file = tempDbFile();
  const gw = await startGateway(gatewayEnv(file));
  const phones = crowd(400, 0xe1);
  let terminated = false;
  const results = await Promise.all(
    phones.map(async (p) => {
      try {
        const answer = await postSms(gw.baseUrl, paramsOf(p.texts[0]!));
        if (!terminated) {
          terminated = true;
          gw.kill('SIGTERM'); // as soon as the first answer is back: hundreds still in flight or queued
        }
        return { sid: p.texts[0]!.sid, answer };
      } catch (err) {
        return { sid: p.texts[0]!.sid, error: (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message };
      }
    }),
  );
  const exit = await gw.exited;
  expect(exit).toEqual({ code: 0, signal: null });
  expect(gw.output()).not.toMatch(/did not finish in 10 s/);

  const answered = results.filter((r): r is { sid: string; answer: Answer } => 'answer' in r && r.answer !== undefined);
  const refused = results.filter((r) => 'error' in r);
  expect(answered.length).toBeGreaterThan(1);
  expect(answered.every((r) => r.answer.status === 200 && r.answer.replies[0]!.includes("What's your first name?"))).toBe(true);
  expect(answered.length + refused.length).toBe(phones.length);

  // Flushed: a clean close checkpoints the WAL into the database file and deletes it.
  expect(fs.existsSync(`${file}-wal`)).toBe(false);
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const stored = new Set((db.prepare('SELECT message_sid FROM inbound_messages').all() as { message_sid: string }[]).map((r) => r.message_sid));
    // Every answered webhook is stored; nothing refused was half-processed behind the client's back.
    expect(answered.filter((r) => !stored.has(r.sid))).toEqual([]);
    expect(stored.size).toBe(answered.length);
  } finally {
    db.close();
  }
});
