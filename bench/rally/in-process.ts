/**
 * A build of rallytext loaded into this process for the in-process benches (bench:turns): its own
 * context on a fresh SQLite file, its own checkpointer thread, and a function that answers one
 * text as the front door would (answerInboundSms), without HTTP or signatures. Works on either
 * layout: the current one, or the one before the architecture step (e6f7a97: src/runtime.ts).
 * Two builds can be loaded side by side: each has its own dist/, modules, database and context.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

export interface LoadedBuild {
  root: string;
  /** Twilio's parameters for one text (a fresh MessageSid), made before anything is timed. */
  params(from: string, body: string): Record<string, string>;
  /** Answers one text; resolves to the TwiML once its group commit has committed. */
  answer(params: Record<string, string>): Promise<string>;
  /** Deletes the build's database directory. */
  remove(): void;
}

export async function loadBuild(root: string): Promise<LoadedBuild> {
  const old = fs.existsSync(path.join(root, 'dist', 'runtime.js'));
  const at = (p: string) => path.join(root, 'dist', p);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { loadConfig } = require(at(old ? 'config' : 'wiring/config'));
  const { createContext } = require(at(old ? 'runtime' : 'wiring/create-context'));
  const { createLogger } = require(at(old ? 'logger' : 'shared/logger'));
  const ids = require(at(old ? 'ids' : 'shared/ids'));
  const { answerInboundSms } = require(at('twilio/webhook'));
  /* eslint-enable @typescript-eslint/no-require-imports */
  const newId: () => string = ids.uuid ?? ids.uuidv7;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-bench-turns-'));
  const config = loadConfig({
    ...process.env, DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`, LOG_LEVEL: 'silent', QUIET_HOURS: 'off', SEED_DEMO: 'true', NODE_ENV: 'production',
    TWILIO_AUTH_TOKEN: 'rally-bench-auth-token-4f1c9a7e2b', TWILIO_ACCOUNT_SID: 'AC7b3f9e1d2c4a5b6c7d8e9f0a1b2c3d4e',
    PUBLIC_BASE_URL: 'https://sms.rally.example', ADMIN_TOKEN: 'rally-bench-admin-token-0123456789',
  });
  const logger = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));
  const ctx = createContext(config, logger, {});
  // The gateway's checkpointer thread, as main.ts starts it in either layout.
  if (old) require(at('store/checkpointer')).startCheckpointer(ctx.store, logger); // eslint-disable-line @typescript-eslint/no-require-imports
  else ctx.store.startUpkeep(logger);
  const target = old ? ctx : ctx.inbound;
  const params = (from: string, body: string) => {
    const sid = `SM${newId().replace(/-/g, '')}`;
    return {
      SmsMessageSid: sid, NumMedia: '0', SmsSid: sid, FromState: 'IL', SmsStatus: 'received', Body: body, FromCountry: 'US', To: '62262',
      NumSegments: '1', MessageSid: sid, AccountSid: 'AC7b3f9e1d2c4a5b6c7d8e9f0a1b2c3d4e', From: from, ApiVersion: '2010-04-01',
    };
  };
  const answer = (p: Record<string, string>): Promise<string> => answerInboundSms(target, p);
  // A first text, so the campaign registry and the prepared statements exist before anything is timed.
  await answer(params('+13125550000', 'JOIN'));
  return { root, params, answer, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
