/**
 * PostgreSQL for the rally bench: a fresh schema per run on the server (several helpers and runs
 * share it), and the count of statements each webhook of a conversation sends (every statement is
 * one network round trip with node-postgres, which does not pipeline), measured in-process on the
 * real use case by counting pg.Client#query calls.
 */
import { Writable } from 'node:stream';
import pg from 'pg';
import { createLogger } from '../../src/shared/logger';
import { openPgStore } from '../../src/store/postgres/store';
import { twilioReceiptPolicy } from '../../src/twilio/receipt-codes';
import { loadConfig } from '../../src/wiring/config';
import { contextOn } from '../../src/wiring/create-context';

export async function freshSchema(serverUrl: string, prefix: string): Promise<{ schema: string; url: string }> {
  const schema = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await c.end();
  }
  const u = new URL(serverUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return { schema, url: u.toString() };
}

export async function dropSchema(serverUrl: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

export interface RoundTrips {
  steps: { text: string; statements: number; detail: string }[];
}

/** One phone's conversation through the real use case on a fresh schema: statements per text. */
export async function countRoundTrips(serverUrl: string, env: { AUTH_TOKEN: string; ACCOUNT_SID: string; PUBLIC_BASE_URL: string; ADMIN_TOKEN: string }): Promise<RoundTrips> {
  const { schema, url } = await freshSchema(serverUrl, 'rally_trips');
  const config = loadConfig({
    NODE_ENV: 'production', DATABASE_URL: url, TWILIO_AUTH_TOKEN: env.AUTH_TOKEN, TWILIO_ACCOUNT_SID: env.ACCOUNT_SID,
    PUBLIC_BASE_URL: env.PUBLIC_BASE_URL, ADMIN_TOKEN: env.ADMIN_TOKEN, QUIET_HOURS: 'off', SEED_DEMO: 'true', LOG_LEVEL: 'silent',
  });
  const logger = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));
  const store = await openPgStore(url, { receiptPolicy: twilioReceiptPolicy });
  const ctx = contextOn(store, config, logger);
  const seen: string[] = [];
  const original = pg.Client.prototype.query;
  try {
    const text = (from: string, body: string, sid: string) =>
      ctx.inbound.receive({ messageSid: sid, from, to: '62262', body, numMedia: 0, optOutType: null, fromState: null });
    await text('+13125559000', 'JOIN', 'SMwarm000000000000000000000000000'); // the registry loads, statements get prepared
    // The registry's once-a-second version check (one more statement) is left out: it is not per text.
    await ctx.registry.reload();
    await ctx.registry.refreshIfStale(Date.now());
    (pg.Client.prototype as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
      const q = args[0] as string | { text: string };
      seen.push((typeof q === 'string' ? q : q.text).trim().split(/\s+/).slice(0, 2).join(' '));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    const steps: RoundTrips['steps'] = [];
    const turns = ['JOIN', 'Ana', '60614', '$10', 'ana@example.org'];
    for (const [i, body] of turns.entries()) {
      seen.length = 0;
      const r = await text('+13125559001', body, `SMtrip${String(i).padStart(28, '0')}`);
      if (r.replies.length === 0) throw new Error(`no reply to ${body}`);
      const tally = new Map<string, number>();
      for (const s of seen) tally.set(s, (tally.get(s) ?? 0) + 1);
      steps.push({ text: body, statements: seen.length, detail: [...tally].map(([k, v]) => `${v}x ${k}`).join(', ') });
    }
    return { steps };
  } finally {
    pg.Client.prototype.query = original;
    ctx.live.close();
    ctx.inboxEvents.close();
    await store.close();
    await dropSchema(serverUrl, schema);
  }
}
