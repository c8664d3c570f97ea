/**
 * `rallytext db migrate`: apply pending schema migrations to DATABASE_URL (SQLite or PostgreSQL).
 * `rallytext db copy --from <url> --to <url> [--force]`: copy a whole database to another engine
 * (or another file or server), verified table by table (docs/deployment.md, "Moving a campaign").
 */
import type { Command } from 'commander';
import type { Config } from '../../wiring/config';
import { migrateCliDatabase } from '../../wiring/cli-database';
import { copyDatabases, CopyRefused } from '../../wiring/db-copy';

/** A URL as printed: without its password. */
const shown = (url: string) => url.replace(/:[^:@/]*@/, ':***@');

export function registerDbCommands(program: Command, config: () => Config): void {
  const db = program.command('db').description('database upkeep');
  db.command('migrate')
    .description('apply pending schema migrations (the gateway also applies them at start-up)')
    .action(async () => {
      const url = config().databaseUrl;
      const applied = await migrateCliDatabase(url);
      process.stdout.write(applied.length === 0 ? 'the database is up to date\n' : `applied: ${applied.join(', ')}\n`);
    });
  db.command('copy')
    .description('copy every table of one database into another (e.g. SQLite into PostgreSQL), verified by row counts and checksums')
    .requiredOption('--from <url>', 'the source database: sqlite:<file> or postgres://…')
    .requiredOption('--to <url>', 'the target database (migrated first; an SQLite file is created if absent)')
    .option('--force', 'replace the rows of a target that is not empty (otherwise it is refused)', false)
    .action(async (o: { from: string; to: string; force: boolean }) => {
      let report;
      try {
        report = await copyDatabases(o.from, o.to, { force: o.force });
      } catch (err) {
        if (!(err instanceof CopyRefused)) throw err;
        process.stderr.write(`rallytext: nothing copied: ${err.message}\n`);
        process.exit(1);
      }
      const width = Math.max(...report.map((r) => r.table.length));
      process.stdout.write(`copied ${shown(o.from)} to ${shown(o.to)}\n`);
      for (const r of report) process.stdout.write(`  ${r.table.padEnd(width)}  ${String(r.rows).padStart(9)} rows  checksum ${r.checksum}  ok\n`);
      const rows = report.reduce((n, r) => n + r.rows, 0);
      process.stdout.write(`${report.length} tables, ${rows} rows: every count and checksum matches the source\n`);
    });
}
