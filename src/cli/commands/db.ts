/** `rallytext db migrate`: apply pending schema migrations to DATABASE_URL (SQLite or PostgreSQL). */
import type { Command } from 'commander';
import type { Config } from '../../wiring/config';
import { migrateCliDatabase } from '../../wiring/cli-database';

export function registerDbCommands(program: Command, config: () => Config): void {
  const db = program.command('db').description('database upkeep');
  db.command('migrate')
    .description('apply pending schema migrations (the gateway also applies them at start-up)')
    .action(async () => {
      const url = config().databaseUrl;
      const applied = await migrateCliDatabase(url);
      process.stdout.write(applied.length === 0 ? 'the database is up to date\n' : `applied: ${applied.join(', ')}\n`);
    });
}
