/**
 * The import and export commands work on the gateway's database file directly (DATABASE_URL):
 * open it or explain why not (exit 66), run the command, close it, and set the exit code.
 */
import type { Config } from '../wiring/config';
import { NoDatabaseError, openCliDatabase, type CliDatabase } from '../wiring/cli-database';

export async function withDatabase(config: () => Config, run: (deps: CliDatabase) => Promise<number>): Promise<void> {
  const url = config().databaseUrl;
  let db: CliDatabase;
  try {
    db = await openCliDatabase(url);
  } catch (err) {
    if (!(err instanceof NoDatabaseError)) throw err;
    process.stderr.write(`rallytext: no database at ${url}; set DATABASE_URL to the gateway's database (start the gateway once to create it)\n`);
    process.exit(66);
  }
  let code: number;
  try {
    code = await run(db);
  } finally {
    await db.close();
  }
  process.exitCode = code;
}
