/**
 * `rallytext export contacts|pledges|broadcast <id>`: the API's exports from the command line,
 * straight from the database file, written to stdout (or --output). Same filters, same CSV,
 * same audit trail (role "cli").
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { AppError } from '../../shared/errors';
import { TWILIO_ERROR_TEXT } from '../../twilio/error-text';
import type { ExportFilters, ExportKind } from '../../usecases/exports/filters';
import { startExport, type ExportDeps } from '../../usecases/exports/run';
import type { Config } from '../../wiring/config';
import { withDatabase } from '../database';
import { processIo, type CommandIo } from '../io';
import { AuditLog } from '../../usecases/audit/audit';
import { CLI_ACTOR } from '../../usecases/sessions/actor';

/** The CLI's options are the API's filters, plus where to write the file. */
export interface ExportCommandOptions extends ExportFilters {
  output?: string;
}

/** CLI options → the same query-string shape the HTTP API validates. */
export function exportQuery(o: ExportCommandOptions): Record<string, string> {
  const q: Record<string, string> = {};
  if (o.campaign !== undefined) q.campaign = o.campaign;
  if (o.subscribed) q.subscribed = '1';
  if (o.pledged) q.pledged = '1';
  if (o.since !== undefined) q.since = o.since;
  if (o.until !== undefined) q.until = o.until;
  if (o.includeOptedOut) q.include_opted_out = '1';
  if (o.status !== undefined) q.status = o.status;
  if (o.bom) q.bom = '1';
  return q;
}

/** Returns the process exit code. */
export async function runExportCommand(
  deps: ExportDeps,
  kind: ExportKind,
  broadcastId: string | undefined,
  o: ExportCommandOptions,
  io: CommandIo,
  audit?: AuditLog,
): Promise<number> {
  let job;
  try {
    job = await startExport(deps, { kind, query: exportQuery(o), role: 'cli', client: 'cli', broadcastId });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    io.stderr.write(`rallytext: ${err.message}\n${err.details.map((d) => `  ${d.path}: ${d.message}\n`).join('')}`);
    return err.code === 'not_found' ? 66 : 64;
  }
  await audit?.record({ actor: CLI_ACTOR, action: 'export.downloaded', target: { type: 'export', id: job.auditId }, details: {
    export: kind, ...(broadcastId ? { broadcastId } : {}), filename: job.filename,
  } });
  const out = o.output ? fs.createWriteStream(o.output) : io.stdout;
  try {
    await pipeline(job.stream, out, { end: out !== io.stdout });
    await job.finish('completed');
    io.stderr.write(`exported ${job.stream.rows} ${kind === 'broadcast' ? 'recipients' : kind} (${o.output ?? 'stdout'}; suggested name ${job.filename})\n`);
    return 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const aborted = code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE';
    await job.finish(aborted ? 'aborted' : 'failed');
    if (aborted) return 0;
    io.stderr.write(`rallytext: export failed after ${job.stream.rows} rows: ${(err as Error).message}\n`);
    return 1;
  }
}

function exportCommand(kind: Exclude<ExportKind, 'broadcast'>, description: string, config: () => Config): Command {
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
      await withDatabase(config, (deps) => runExportCommand({ ...deps, errorText: TWILIO_ERROR_TEXT }, kind, undefined, opts, processIo, new AuditLog(deps)));
    });
}

export function registerExportCommands(program: Command, config: () => Config): void {
  const exportCmd = program.command('export').description('export CSV from the database (DATABASE_URL), like GET /api/exports/*.csv');
  exportCmd.addCommand(exportCommand('contacts', 'contacts.csv: one row per contact', config));
  exportCmd.addCommand(exportCommand('pledges', 'pledges.csv: one row per pledge', config));
  exportCmd
    .command('broadcast')
    .description('a broadcast delivery report: one row per recipient')
    .argument('<id>', 'broadcast id')
    .option('--status <status>', 'only recipients in this delivery status')
    .option('--include-opted-out', 'include contacts who opted out')
    .option('--bom', 'start with a UTF-8 byte order mark (Excel)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (id: string, opts: ExportCommandOptions) => {
      await withDatabase(config, (deps) => runExportCommand({ ...deps, errorText: TWILIO_ERROR_TEXT }, 'broadcast', id, opts, processIo, new AuditLog(deps)));
    });
}
