/**
 * The dispatcher on its own, without the HTTP gateway: `node dist/dispatch-main.js`. For a second
 * sending process next to the gateway (leases keep them from sending one text twice) and for
 * tests. Same configuration as the gateway; SIGTERM lets in-flight sends finish.
 */
import { createDispatcher } from './wiring/broadcasts';
import { createLogger } from './shared/logger';
import { openContext } from './wiring/create-context';
import { configOrExit } from './wiring/startup';
import { tuneDispatcherProcess } from './wiring/dispatcher-process';

// Before anything is allocated: this process sends, it does not answer webhooks (see the module).
const runtime = tuneDispatcherProcess();

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  let ctx;
  try {
    ctx = await openContext({ ...config, seedDemo: false }, logger, runtime);
  } catch (err) {
    logger.fatal({ err: (err as Error).message, code: (err as { code?: string }).code }, 'cannot open the database');
    process.stderr.write(`rallytext dispatcher: cannot open the database: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const dispatcher = createDispatcher(ctx);
  dispatcher.start();
  logger.info({ owner: dispatcher.owner, rateMps: config.sendRateMps, localMode: config.localMode }, 'dispatcher running');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'dispatcher stopping: finishing in-flight sends');
    void dispatcher.stop().then(async () => {
      await ctx.store.close();
      logger.flush?.();
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
