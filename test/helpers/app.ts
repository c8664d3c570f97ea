/**
 * testApp(): the gateway's real request listener (the front door production serves, express
 * behind it) over a real SQLite database (a temp file by default, so child processes and tools
 * can open it too), with a manual clock and the real twilio signer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import request from 'supertest';
import type { RequestListener } from 'node:http';
import { loadConfig, type Config } from '../../src/wiring/config';
import type { SqliteDb } from '../../src/store/sqlite/db';
import { sqliteOf } from '../../src/store/sqlite/store';
import type { AppContext } from '../../src/wiring/context';
import { ManualClock } from '../../src/core/clock';
import { gatewayListener } from '../../src/http/front-door';
import { createLogger } from '../../src/shared/logger';
import { createContext } from '../../src/wiring/create-context';
import { encodeForm, inboundParams, twimlMessages } from '../../src/twilio/rehearse';
import { contextOn } from '../../src/wiring/create-context';
import { DEFAULT_MIGRATION_LOCK_TABLE, DEFAULT_MIGRATION_TABLE, MIGRATION_LOCK_ID } from 'kysely';
import { MIGRATIONS } from '../../src/store/migrations';
import { PgDb } from '../../src/store/postgres/db';
import { PgStore } from '../../src/store/postgres/store';
import { twilioReceiptPolicy } from '../../src/twilio/receipt-codes';
import { PgTestDb, postgresCompiler, SyncPg, SyncRunner } from './pg-sync';
import { repositories } from '../../src/store/repositories';
import { seedDemo } from '../../src/usecases/campaigns/seed';
import type { Store } from '../../src/store/store';
import { postgresUrl } from './postgres';
import { signTwilioRequest, type FormParams } from '../../src/twilio/signature';

export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
export const VOLUNTEER_TOKEN = 'volunteer-token-0123456789abcdef';
export const PUBLIC_BASE_URL = 'https://sms.rally.example';
export const ACCOUNT_SID = 'ACe24e29bdbc2e7664b315d7629ed3b9d9';

export interface TestApp {
  /** The listener `npm start` serves (supertest takes it as it is). */
  app: RequestListener;
  ctx: TestContext;
  clock: ManualClock;
  config: Config;
  logs: string[];
  dbFile: string;
  close(): void;
}

/** A context with its SQLite connection in reach, for tests that look into the database directly. */
export type TestContext = AppContext & { db: SqliteDb };

export function withDb(ctx: AppContext): TestContext {
  return Object.assign(ctx, { db: sqliteOf(ctx.store) });
}

export function tempDbFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rallytext-test-'));
  return path.join(dir, 'rallytext.db');
}

export function testEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PUBLIC_BASE_URL,
    ADMIN_TOKEN,
    VOLUNTEER_TOKEN,
    LOG_LEVEL: 'debug',
    QUIET_HOURS: 'off',
    ...overrides,
  };
}

/**
 * The engine the suites run on: SQLite, or PostgreSQL with TEST_ENGINE=postgres (`npm run
 * test:postgres`), each testApp() in a fresh schema of the test server (dropped by the global
 * teardown). `t.ctx.db` then answers on PostgreSQL (test/helpers/pg-sync.ts).
 */
export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

let pgAdmin: SyncPg | undefined;
let schemas = 0;

/** A new schema, migrated, on the test server; the URL that works in it. */
export function freshPostgresUrl(): string {
  pgAdmin ??= new SyncPg(postgresUrl());
  // Workers run many test files, each with this module afresh: the random part keeps names apart.
  const schema = `rt_${process.env.RALLYTEXT_PG_RUN ?? 'x'}_${process.pid}_${Math.random().toString(36).slice(2, 8)}_${++schemas}`;
  const ddl = MIGRATIONS.map((m) => m.ddl('postgres')).join('\n');
  const at = new Date().toISOString();
  pgAdmin.query(
    `CREATE SCHEMA ${schema}; SET search_path TO ${schema}; ${ddl}
     CREATE TABLE ${DEFAULT_MIGRATION_TABLE} (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL);
     CREATE TABLE ${DEFAULT_MIGRATION_LOCK_TABLE} (id varchar(255) NOT NULL PRIMARY KEY, is_locked integer DEFAULT 0 NOT NULL);
     INSERT INTO ${DEFAULT_MIGRATION_LOCK_TABLE} VALUES ('${MIGRATION_LOCK_ID}', 0);
     ${MIGRATIONS.map((m) => `INSERT INTO ${DEFAULT_MIGRATION_TABLE} VALUES ('${m.name}', '${at}');`).join(' ')}
     RESET search_path;`,
  );
  const url = new URL(postgresUrl());
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** A logger that writes nowhere (a second process's context, a dispatcher under test). */
export function quietLogger(): Logger {
  return createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));
}

export function testApp(env: Record<string, string> = {}, start = '2026-11-21T20:00:00.000Z'): TestApp {
  if (TEST_ENGINE === 'postgres' && !env.DATABASE_URL) return testAppOnPostgres(env, start);
  const dbFile = env.DATABASE_URL ? '' : tempDbFile();
  const config = loadConfig(testEnv({ DATABASE_URL: `sqlite:${dbFile}`, ...env }));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const clock = new ManualClock(start);
  let n = 0;
  const ctx = withDb(createContext(config, logger, { clock, newId: () => `id-${String(++n).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}` }));
  const app = gatewayListener(ctx);
  return { app, ctx, clock, config, logs, dbFile, close: () => {
    ctx.live.close();
    ctx.inboxEvents.close();
    ctx.db.close();
  } };
}

/** A second process's context on the same database (its own connection(s), clock reading, owner id). */
export function secondContext(config: Config, logger: Logger, options: { clock: ManualClock; newId: () => string }): TestContext {
  if (TEST_ENGINE !== 'postgres') return withDb(createContext(config, logger, options));
  const store = new PgStore(new PgDb(config.databaseUrl, { max: 2 }), { receiptPolicy: twilioReceiptPolicy });
  const db = new PgTestDb(new SyncPg(config.databaseUrl), postgresCompiler, () => void store.close());
  return Object.assign(contextOn(store, { ...config, seedDemo: false }, logger, options), { db: db as unknown as SqliteDb });
}

function testAppOnPostgres(env: Record<string, string>, start: string): TestApp {
  const url = freshPostgresUrl();
  const config = loadConfig(testEnv({ ...env, DATABASE_URL: url }));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const clock = new ManualClock(start);
  let n = 0;
  const newId = () => `id-${String(++n).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`;
  const store = new PgStore(new PgDb(url, { max: 2 }), { receiptPolicy: twilioReceiptPolicy });
  const db = new PgTestDb(new SyncPg(url), postgresCompiler, () => void store.close());
  // Seeded at once, as on SQLite: tests read the demo campaign right after testApp().
  if (config.seedDemo) void seedDemo({ ...repositories(new SyncRunner(db), { receiptPolicy: twilioReceiptPolicy }) } as Store, clock, newId, logger);
  const base = contextOn(store, config, logger, { clock, newId });
  const ctx = Object.assign(base, { db: db as unknown as SqliteDb });
  const app = gatewayListener(ctx);
  return { app, ctx, clock, config, logs, dbFile: '', close: () => {
    ctx.live.close();
    ctx.inboxEvents.close();
    db.close();
  } };
}

/** POST a form to a Twilio webhook path, signed exactly as Twilio signs it. */
export function signedPost(app: RequestListener, pathname: string, params: FormParams, token = AUTH_TOKEN) {
  const signature = signTwilioRequest(token, PUBLIC_BASE_URL + pathname, params);
  return request(app)
    .post(pathname)
    .set('Content-Type', 'application/x-www-form-urlencoded')
    .set('X-Twilio-Signature', signature)
    .send(encodeForm(params));
}

let sidCounter = 0;
export function nextSid(): string {
  sidCounter += 1;
  return `SM${sidCounter.toString(16).padStart(32, '0')}`;
}

/** Text the app as a phone would; resolves to the reply bodies. */
export async function text(app: RequestListener, from: string, body: string, extra: FormParams = {}, to = '62262'): Promise<string[]> {
  const res = await signedPost(app, '/twilio/sms', inboundParams(from, to, body, { MessageSid: nextSid(), ...extra }));
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.text}`);
  return twimlMessages(res.text);
}

export function admin(app: RequestListener) {
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  return {
    get: (p: string) => request(app).get(p).set(auth),
    post: (p: string, body?: object) => request(app).post(p).set(auth).send(body),
    put: (p: string, body?: object) => request(app).put(p).set(auth).send(body),
    delete: (p: string) => request(app).delete(p).set(auth),
  };
}
