/** Entry point: loadConfig → open the database → build the app → listen; SIGTERM drains. */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createDispatcher } from './wiring/broadcasts';
import type { Config } from './wiring/config';
import { drainable } from './http/drain';
import { gatewayListener } from './http/front-door';
import { createGatewayServer } from './http/server';
import { createLogger } from './shared/logger';
import { openContext } from './wiring/create-context';
import { configOrExit } from './wiring/startup';
import { databaseProblemHint } from './store/sqlite/db';
import { resumeImports } from './usecases/imports/staged-run';

function withLocalAdminToken(config: Config, log: (token: string) => void): Config {
  if (config.adminToken || !config.localMode) return config;
  const adminToken = `local-${randomBytes(12).toString('hex')}`;
  log(adminToken);
  return Object.freeze({ ...config, adminToken });
}

async function main(): Promise<void> {
  let config: Config = configOrExit();
  const logger = createLogger(config.logLevel);
  config = withLocalAdminToken(config, (token) =>
    // Printed to the terminal, not the JSON log, so it never lands in a log aggregator.
    process.stderr.write(`\nADMIN_TOKEN was not set; for this run the organizer token is: ${token}\n\n`),
  );

  let ctx;
  try {
    ctx = await openContext(config, logger);
  } catch (err) {
    const code = (err as { code?: string }).code;
    logger.fatal({ err: (err as Error).message, code, databaseUrl: config.databaseUrl }, 'cannot open the database');
    // Also a plain sentence on the terminal, like a configuration error.
    process.stderr.write(
      `rallytext: cannot open the database ${config.databaseUrl}: ${(err as Error).message}${code ? ` (${code})` : ''}.\n` +
        `${databaseProblemHint(err)}\n`,
    );
    process.exit(1);
  }
  if (config.localMode) {
    logger.warn(
      { publicBaseUrl: config.publicBaseUrl },
      'LOCAL MODE: no Twilio credentials. Nothing is sent to Twilio; replies are recorded in the outbox and logged. ' +
        'Rehearse with: npm run text -- 3125550100 JOIN',
    );
  }

  ctx.store.startUpkeep(logger);
  // A contact import a stopped gateway left behind: discarded if it had not reached its commit
  // point (nothing of it was applied), else applied to the end (src/usecases/imports/staged-run.ts).
  void resumeImports(ctx.store).then(
    (r) => {
      if (r.applied.length + r.discarded.length > 0) logger.warn(r, 'contact imports left by a stopped process: committed ones finished, the others discarded');
    },
    (err: unknown) => logger.error({ err: (err as Error).message }, 'could not finish or discard the contact imports left by a stopped process'),
  );
  // Broadcasts and queued texts are sent from this process. On start-up it takes over (looks up,
  // then resumes) whatever a killed predecessor left in flight.
  const dispatcher = createDispatcher(ctx);
  ctx.dispatcher = dispatcher;
  dispatcher.start();
  // Twilio's webhooks are answered by the front door, everything else by express (http/front-door.ts).
  const front = drainable(gatewayListener(ctx));
  // Timeouts and a connection cap against slow or piled-up clients (see http/server.ts).
  const server: Server = createGatewayServer(front.listener);
  server.listen(config.port, config.host, () => {
    logger.info({ port: config.port, host: config.host, webhook: `${config.publicBaseUrl}/twilio/sms` }, 'rallytext listening');
  });
  server.on('error', (err) => {
    logger.fatal({ err: err.message }, 'server error');
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.live.close(); // end live-screen event streams so they do not hold the drain open
    ctx.inboxEvents.close(); // and the inbox's
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests and sends');
    void Promise.all([front.drain(server), dispatcher.stop()]).then(async () => {
      await ctx.store.close();
      logger.info('stopped');
      logger.flush?.();
      process.exit(0);
    });
    // Sends in flight finish within TWILIO_TIMEOUT_MS; anything cut short is reconciled on the next start.
    setTimeout(() => {
      logger.warn('in-flight work did not finish in time; exiting');
      process.exit(1);
    }, Math.max(10_000, config.twilioTimeoutMs + 2_000)).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
