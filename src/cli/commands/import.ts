/** `rallytext import FILE.csv`: the API's contact import from the command line, same rules. */
import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { AppError } from '../../shared/errors';
import type { ImportEncoding } from '../../usecases/imports/read-csv';
import { importContacts, type ImportDeps, type ImportReport } from '../../usecases/imports/run';
import type { Config } from '../../wiring/config';
import { withDatabase } from '../database';
import { processIo, type CommandIo } from '../io';
import { AuditLog } from '../../usecases/audit/audit';
import { CLI_ACTOR } from '../../usecases/sessions/actor';

export interface ImportCommandOptions {
  campaign?: string;
  consent?: string;
  dryRun?: boolean;
  strict?: boolean;
  encoding?: string;
  json?: boolean;
  maxRows?: string;
}

const SHOWN = 20;

function list<T>(title: string, items: T[], total: number, render: (item: T) => string): string {
  if (total === 0) return '';
  const lines = items.slice(0, SHOWN).map((i) => `    ${render(i)}\n`).join('');
  const more = total > SHOWN ? `    … and ${total - SHOWN} more (--json lists up to 1000)\n` : '';
  return `  ${title}:\n${lines}${more}`;
}

export function formatReport(r: ImportReport): string {
  const t = r.totals;
  const head = r.dryRun
    ? 'DRY RUN: nothing was written. This is what the import would do:\n'
    : `Imported (id ${r.importId}).\n`;
  const where = r.campaign ? `campaign "${r.campaign.name}"` : 'no campaign';
  const rows = [
    ['rows read', t.rows], ['new contacts', t.created], ['now subscribed', t.subscribed], ['updated', t.updated],
    ['unchanged', t.unchanged], ['opted out (left alone)', t.optedOut], ['duplicates in file', t.duplicates],
    ['invalid (skipped)', t.invalid], ['warnings', t.warnings],
  ] as const;
  return (
    head +
    `  into ${where}; new contacts are ${r.newContactsStatus}${r.consent === 'attested' ? ' (consent attested)' : ' (no consent attested: they will not receive broadcasts)'}\n` +
    `  columns: phone=${r.columns.phone.join('|')} first_name=${r.columns.first_name ?? '-'} zip=${r.columns.zip ?? '-'} email=${r.columns.email ?? '-'}` +
    (r.columns.ignored.length ? ` ignored=${r.columns.ignored.join('|')}` : '') + '\n' +
    rows.map(([label, n]) => `  ${label.padEnd(24)}${String(n).padStart(8)}\n`).join('') +
    list('invalid rows', r.invalid, t.invalid, (i) => `line ${i.line}: ${i.reason}`) +
    list('opted out, not re-subscribed', r.optedOut, t.optedOut, (i) => `line ${i.line}: ${i.phone}`) +
    list('duplicates', r.duplicates, t.duplicates, (i) => `line ${i.line}: ${i.phone} (first on line ${i.firstLine})`) +
    list('warnings', r.warnings, t.warnings, (i) => `line ${i.line}: ${i.field} ${i.reason}`)
  );
}

/** Returns the process exit code. */
export async function runImportCommand(deps: ImportDeps, file: string, o: ImportCommandOptions, io: CommandIo, audit?: AuditLog): Promise<number> {
  if (o.consent !== undefined && o.consent !== 'attested' && o.consent !== 'none') {
    io.stderr.write(`rallytext: --consent must be "attested" or "none"\n`);
    return 64;
  }
  const encoding = (o.encoding ?? 'utf-8').toLowerCase();
  if (encoding !== 'utf-8' && encoding !== 'windows-1252') {
    io.stderr.write(`rallytext: --encoding must be utf-8 or windows-1252\n`);
    return 64;
  }
  const maxRows = o.maxRows === undefined ? undefined : Number(o.maxRows);
  if (maxRows !== undefined && (!Number.isInteger(maxRows) || maxRows < 1)) {
    io.stderr.write(`rallytext: --max-rows must be a positive whole number\n`);
    return 64;
  }
  if (!fs.existsSync(file)) {
    io.stderr.write(`rallytext: no such file: ${file}\n`);
    return 66;
  }
  try {
    const report = await importContacts(deps, fs.createReadStream(file), {
      source: 'cli',
      filename: path.basename(file),
      campaign: o.campaign ?? null,
      consent: o.consent === 'attested' ? 'attested' : 'none',
      dryRun: o.dryRun ?? false,
      strict: o.strict ?? false,
      encoding: encoding as ImportEncoding,
      maxBytes: Number.MAX_SAFE_INTEGER,
      maxRows,
      ...(audit ? { audit: { log: audit, actor: CLI_ACTOR } } : {}),
    });
    io.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return 0;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    io.stderr.write(`rallytext: ${err.message}\n${err.details.slice(0, SHOWN).map((d) => `  ${d.path}: ${d.message}\n`).join('')}`);
    return err.code === 'not_found' ? 66 : 65;
  }
}

export function registerImportCommand(program: Command, config: () => Config): void {
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
    .option('--max-rows <n>', 'allow a bigger file than the default 50,000 rows (the decision of every row is held in memory until it is written)')
    .action(async (file: string, opts: ImportCommandOptions) => {
      await withDatabase(config, (deps) => runImportCommand(deps, file, opts, processIo, new AuditLog(deps)));
    });
}
