/** Shared by every entry point (gateway, dispatcher, CLI): configuration or a clear exit. */
import { ConfigError, loadConfig, readEnvFile, type Config } from './config';

/** EX_CONFIG from sysexits.h: the process was started with a bad configuration. */
export const EXIT_BAD_CONFIG = 78;

/** Reads ./.env (the environment wins), parses the configuration, or exits 78 naming every bad variable. */
export function configOrExit(): Config {
  try {
    readEnvFile();
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`rallytext: ${err.message}\nSee .env.example for every variable.\n`);
      process.exit(EXIT_BAD_CONFIG);
    }
    throw err;
  }
}
