/**
 * `rallytext export contacts|pledges|broadcast <id>`: the API's exports from the command line,
 * straight from the database file, written to stdout (or --output). Same filters, same CSV,
 * same audit trail (role "cli").
 */
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../shared/errors';
import type { ExportFilters, ExportKind } from '../../export/filters';
import { startExport, type ExportDeps } from '../../export/run';

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

export interface CommandIo {
  stdout: Writable;
  stderr: Writable;
}

/** Returns the process exit code. */
export async function runExportCommand(
  deps: ExportDeps,
  kind: ExportKind,
  broadcastId: string | undefined,
  o: ExportCommandOptions,
  io: CommandIo,
): Promise<number> {
  let job;
  try {
    job = startExport(deps, { kind, query: exportQuery(o), role: 'cli', client: 'cli', broadcastId });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    io.stderr.write(`rallytext: ${err.message}\n${err.details.map((d) => `  ${d.path}: ${d.message}\n`).join('')}`);
    return err.code === 'not_found' ? 66 : 64;
  }
  const out = o.output ? fs.createWriteStream(o.output) : io.stdout;
  try {
    await pipeline(job.stream, out, { end: out !== io.stdout });
    job.finish('completed');
    io.stderr.write(`exported ${job.stream.rows} ${kind === 'broadcast' ? 'recipients' : kind} (${o.output ?? 'stdout'}; suggested name ${job.filename})\n`);
    return 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const aborted = code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE';
    job.finish(aborted ? 'aborted' : 'failed');
    if (aborted) return 0;
    io.stderr.write(`rallytext: export failed after ${job.stream.rows} rows: ${(err as Error).message}\n`);
    return 1;
  }
}
