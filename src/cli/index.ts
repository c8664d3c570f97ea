#!/usr/bin/env node
/** rallytext command line: rehearse a conversation against a running gateway, and admin tasks. */
import fs from 'node:fs';
import { Command, Option } from 'commander';
import { configOrExit } from '../wiring/startup';
import { systemClock } from '../core/clock';
import { registerBroadcastCommands } from './commands/broadcast';
import { toE164 } from '../core/phone';
import { runExportCommand, type ExportCommandOptions } from './commands/export';
import type { ExportKind } from '../export/filters';
import { uuid } from '../shared/ids';
import { runImportCommand, type ImportCommandOptions } from './commands/import';
import { openSqliteDb, sqlitePath, type SqliteDb } from '../store/sqlite/db';
import { sendText } from '../twilio/rehearse';

const config = configOrExit;

const program = new Command();
program.name('rallytext').description('SMS keyword opt-in and rally engagement gateway').showHelpAfterError();

program
  .command('text')
  .description('text the running gateway as a phone would (a signed Twilio webhook) and print the replies')
  .argument('<from>', 'the phone number texting, e.g. +13125550100 or 3125550100')
  .argument('<message...>', 'the text, e.g. JOIN')
  .option('--to <sender>', 'the short code or number being texted', '62262')
  .option('--url <url>', 'gateway base URL to post to (default http://127.0.0.1:PORT)')
  .action(async (fromArg: string, words: string[], opts: { to: string; url?: string }) => {
    const cfg = config();
    const from = toE164(fromArg);
    if (!from) {
      process.stderr.write(`rallytext: "${fromArg}" is not a phone number\n`);
      process.exit(64);
    }
    const base = (opts.url ?? `http://127.0.0.1:${cfg.port}`).replace(/\/+$/, '');
    try {
      const r = await sendText({
        postUrl: `${base}/twilio/sms`, signedUrl: `${cfg.publicBaseUrl}/twilio/sms`, authToken: cfg.twilio.authToken,
        from, to: opts.to, body: words.join(' '),
      });
      if (r.status !== 200) {
        process.stderr.write(`gateway answered ${r.status}: ${r.raw}\n`);
        process.exit(1);
      }
      process.stdout.write(`> ${words.join(' ')}\n`);
      if (r.replies.length === 0) process.stdout.write('< (no reply)\n');
      for (const reply of r.replies) process.stdout.write(`< ${reply.replace(/\n/g, '\n  ')}\n`);
    } catch (err) {
      process.stderr.write(`rallytext: cannot reach the gateway at ${base} (${(err as Error).message}). Is "npm start" running?\n`);
      process.exit(69);
    }
  });

/** The database named by DATABASE_URL, which must already exist (the gateway creates it). */
function openDatabase(): SqliteDb {
  const url = config().databaseUrl;
  const file = sqlitePath(url);
  if (file === ':memory:' || !fs.existsSync(file)) {
    process.stderr.write(`rallytext: no database at ${url}; set DATABASE_URL to the gateway's database (start the gateway once to create it)\n`);
    process.exit(66);
  }
  return openSqliteDb(url);
}

async function withDatabase(run: (deps: { store: SqliteDb; clock: typeof systemClock; newId: typeof uuid }) => Promise<number>): Promise<void> {
  const store = openDatabase();
  let code: number;
  try {
    code = await run({ store, clock: systemClock, newId: uuid });
  } finally {
    store.close();
  }
  process.exitCode = code;
}

program
  .command('import')
  .description('import contacts from a CSV file into the database (DATABASE_URL): all rows or none')
  .argument('<file>', 'CSV with a header row: phone (or mobile/cell), first_name, zip, email')
  .option('--campaign <campaign>', 'campaign id or name the contacts join (required with --consent attested)')
  .addOption(new Option('--consent <consent>', 'attested: you confirm every number agreed to texts from this program (new contacts are subscribed); none: imported as pending, never sent broadcasts').choices(['attested', 'none']).default('none'))
  .option('--dry-run', 'show what would happen without writing anything')
  .option('--strict', 'refuse the whole file if any row is invalid')
  .addOption(new Option('--encoding <encoding>', 'file encoding').choices(['utf-8', 'windows-1252']).default('utf-8'))
  .option('--json', 'print the full report as JSON')
  .option('--max-rows <n>', 'allow a bigger file than the default 50,000 rows (the gateway pauses while it is written)')
  .action(async (file: string, opts: ImportCommandOptions) => {
    await withDatabase((deps) => runImportCommand(deps, file, opts, { stdout: process.stdout, stderr: process.stderr }));
  });

function exportCommand(kind: Exclude<ExportKind, 'broadcast'>, description: string): Command {
  const cmd = new Command(kind).description(description).option('--campaign <campaign>', 'only this campaign (id or name)');
  if (kind === 'contacts') {
    cmd.option('--pledged', 'only contacts who pledged');
  }
  return cmd
    .option('--subscribed', 'only subscribed contacts')
    .option('--since <date>', 'from this UTC date or ISO time (inclusive)')
    .option('--until <date>', 'up to this UTC date (inclusive) or ISO time')
    .option('--include-opted-out', 'include contacts who opted out (organizers only)')
    .option('--bom', 'start with a UTF-8 byte order mark (Excel)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (opts: ExportCommandOptions) => {
      await withDatabase((deps) => runExportCommand(deps, kind, undefined, opts, { stdout: process.stdout, stderr: process.stderr }));
    });
}

const exportCmd = program.command('export').description('export CSV from the database (DATABASE_URL), like GET /api/exports/*.csv');
exportCmd.addCommand(exportCommand('contacts', 'contacts.csv: one row per contact'));
exportCmd.addCommand(exportCommand('pledges', 'pledges.csv: one row per pledge'));
exportCmd
  .command('broadcast')
  .description('a broadcast delivery report: one row per recipient')
  .argument('<id>', 'broadcast id')
  .option('--status <status>', 'only recipients in this delivery status')
  .option('--include-opted-out', 'include contacts who opted out')
  .option('--bom', 'start with a UTF-8 byte order mark (Excel)')
  .option('-o, --output <file>', 'write to a file instead of stdout')
  .action(async (id: string, opts: ExportCommandOptions) => {
    await withDatabase((deps) => runExportCommand(deps, 'broadcast', id, opts, { stdout: process.stdout, stderr: process.stderr }));
  });
registerBroadcastCommands(program, config);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`rallytext: ${(err as Error).message}\n`);
  process.exit(1);
});
