/**
 * A contact import from start to finish, for the HTTP API and the CLI alike:
 * options checked → file stream-parsed row by row (normalised, deduplicated within the file)
 * → every contact decided against the database (the report) → the rows to write staged and the
 * import committed → applied in short chunks (src/store/imports/repository.ts has the steps).
 * Nothing is written until the whole file has been read: a file that cannot be read to the end
 * (broken quoting, wrong encoding, too large, connection lost) imports nothing, and a failure
 * before the commit point discards what was staged. Every step gives the event loop back between
 * chunks (a few hundred rows), so webhooks are answered while a 50,000-row import runs.
 */
import type { Clock, IdGenerator } from '../../core/clock';
import { AppError } from '../../shared/errors';
import { nextTurn } from '../../shared/turn';
import type { StageRow } from '../../store/imports/repository';
import type { Store } from '../../store/store';
import { oneCampaign, type CampaignRef } from '../campaign-ref';
import { decide, writes, type ApplyOptions, type Decision, type RowOutcome } from './apply';
import { EXPECTED_HEADERS, mapColumns, type ColumnMap } from './columns';
import { normaliseRow, type Candidate } from './normalise';
import { ImportFileError, readCsv, type ImportEncoding } from './read-csv';
import { applyRun, discardRun, resumeImports } from './staged-run';
import type { AuditLog } from '../audit/audit';
import type { Actor } from '../sessions/actor';

/**
 * The largest file one import takes by default (the CLI can raise it with --max-rows). The
 * import is staged and applied in short steps, so the size no longer pauses the gateway; it
 * bounds the memory one import holds (every row's decision is kept for the report and staging).
 */
export const MAX_IMPORT_ROWS = 50_000;
export const MAX_IMPORT_BYTES = 32 * 1_048_576;
/** Problem lists in the report stop here; the totals always count everything. */
export const REPORT_LIST_LIMIT = 1000;
/** Rows parsed, looked up or staged per event-loop turn. */
const ROWS_PER_TURN = 500;

export interface ImportDeps {
  store: Pick<Store, 'imports'>;
  clock: Clock;
  newId: IdGenerator;
}

export interface ImportOptions {
  source: 'api' | 'cli';
  filename?: string | null;
  /** Campaign id or exact name the contacts join. Required with consent 'attested'. */
  campaign?: string | null;
  /** 'attested': the list owner confirms every number agreed to texts from this program. */
  consent: 'attested' | 'none';
  dryRun: boolean;
  /** Refuse the whole file when any row is invalid (default: skip and report those rows). */
  strict: boolean;
  encoding?: ImportEncoding;
  maxBytes?: number;
  maxRows?: number;
  /**
   * Who imports, for the audit log: one `import.applied` entry per import, written at the commit
   * point (the import is decided there: a run interrupted afterwards is finished by the next
   * import or start, so it is recorded even when the apply itself is cut short). Dry runs and
   * refused files write none.
   */
  audit?: { log: Pick<AuditLog, 'record'>; actor: Actor };
}

export interface ImportTotals {
  rows: number;
  created: number;
  subscribed: number;
  updated: number;
  unchanged: number;
  optedOut: number;
  duplicates: number;
  invalid: number;
  blankLines: number;
  warnings: number;
}

export interface ImportReport {
  importId: string | null;
  dryRun: boolean;
  consent: 'attested' | 'none';
  newContactsStatus: 'subscribed' | 'pending';
  campaign: { id: string; name: string } | null;
  columns: ColumnMap['mapped'] & { ignored: string[] };
  totals: ImportTotals;
  invalid: { line: number; reason: string }[];
  optedOut: { line: number; phone: string }[];
  duplicates: { line: number; phone: string; firstLine: number }[];
  warnings: { line: number; field: string; reason: string }[];
  /** How many entries each list above left out (over REPORT_LIST_LIMIT). */
  omitted: { invalid: number; optedOut: number; duplicates: number; warnings: number };
}

/** Stages the rows to write, commits the import and applies it (see the file comment). */
async function writeImport(
  deps: ImportDeps, importId: string, decisions: readonly Decision[], report: ReportBuilder, o: ImportOptions, campaign: CampaignRef | null,
): Promise<void> {
  const { store } = deps;
  // A committed import another process left half-applied is finished first (its rows come first);
  // if that fails (the gateway logs why at its next start) this import goes ahead on its own.
  await resumeImports(store, { onlyCommitted: true }).catch(() => undefined);
  const at = deps.clock.now().toISOString();
  await store.imports.open({ importId, campaign, consent: o.consent, source: o.source, filename: o.filename ?? null, at });
  try {
    for (let i = 0; i < decisions.length; i += ROWS_PER_TURN) {
      const rows: StageRow[] = decisions.slice(i, i + ROWS_PER_TURN).map(({ contact: c }) => ({
        phone: c.phone, first_name: c.firstName, zip: c.zip, email: c.email, new_id: deps.newId(), consent_id: deps.newId(),
      }));
      await store.imports.stage(importId, rows);
      await nextTurn();
    }
    await store.imports.commit(importId, decisions.length, JSON.stringify(report.totals));
  } catch (err) {
    // Before the commit point nothing is applied: remove what was staged (a restart would too).
    await discardRun(store, importId).catch(() => undefined);
    throw err;
  }
  await o.audit?.log.record({
    actor: o.audit.actor, action: 'import.applied', target: { type: 'import', id: importId },
    details: { filename: o.filename ?? null, campaign: campaign?.name ?? null, consent: o.consent, totals: report.totals },
  });
  try {
    await applyRun(store, importId);
  } catch (err) {
    // After the commit point the import is decided: it is finished by the next import or the next start.
    throw new AppError(
      'unavailable',
      `import ${importId} was accepted but could not be written to the end (${(err as Error).message}); ` +
        'it will be completed at the next import or the next start of the gateway',
      [], 5,
    );
  }
}

async function checkOptions(store: Pick<Store, 'imports'>, o: ImportOptions): Promise<CampaignRef | null> {
  const campaign = o.campaign ? oneCampaign(o.campaign, await store.imports.findCampaigns(o.campaign)) : null;
  if (o.consent === 'attested' && !campaign) {
    throw new AppError('validation_failed', 'consent=attested needs a campaign: consent is given to a program', [
      { path: 'campaign', message: 'required when consent is attested' },
    ]);
  }
  if (campaign && !campaign.active) {
    throw new AppError('conflict', `campaign "${campaign.name}" is inactive; reactivate it or import into another campaign`);
  }
  return campaign;
}

class ReportBuilder {
  readonly totals: ImportTotals = {
    rows: 0, created: 0, subscribed: 0, updated: 0, unchanged: 0, optedOut: 0, duplicates: 0, invalid: 0, blankLines: 0, warnings: 0,
  };
  readonly invalid: ImportReport['invalid'] = [];
  readonly optedOut: ImportReport['optedOut'] = [];
  readonly duplicates: ImportReport['duplicates'] = [];
  readonly warnings: ImportReport['warnings'] = [];

  add<T>(list: T[], item: T): void {
    if (list.length < REPORT_LIST_LIMIT) list.push(item);
  }

  count(outcome: RowOutcome): void {
    if (outcome === 'opted_out') this.totals.optedOut++;
    else this.totals[outcome]++;
  }
}

interface Parsed {
  map: ColumnMap;
  contacts: { line: number; contact: Candidate }[];
}

async function readContacts(input: AsyncIterable<Buffer | string>, o: ImportOptions, report: ReportBuilder): Promise<Parsed> {
  const maxRows = o.maxRows ?? MAX_IMPORT_ROWS;
  let map: ColumnMap | null = null;
  let headerWidth = 0;
  const firstLineOf = new Map<string, number>();
  const contacts: Parsed['contacts'] = [];
  let read = 0;
  for await (const { line, cells } of readCsv(input, { encoding: o.encoding ?? 'utf-8', maxBytes: o.maxBytes ?? MAX_IMPORT_BYTES })) {
    if (!map) {
      if (cells.every((c) => c.trim() === '')) continue;
      map = mapColumns(cells);
      if (!map) {
        throw new AppError('validation_failed', `line ${line} must be a header row naming the columns: ${EXPECTED_HEADERS}`, [
          { path: `line ${line}`, message: `no phone column among: ${cells.map((c) => JSON.stringify(c.trim())).join(', ')}` },
        ]);
      }
      headerWidth = cells.length;
      continue;
    }
    if (++read % ROWS_PER_TURN === 0) await nextTurn();
    const row = normaliseRow(cells, map, headerWidth);
    if (row.kind === 'blank') {
      report.totals.blankLines++;
      continue;
    }
    report.totals.rows++;
    if (report.totals.rows > maxRows) {
      throw new AppError('payload_too_large', `more than ${maxRows} rows in one file; split it (nothing was imported)`);
    }
    if (row.kind === 'invalid') {
      report.totals.invalid++;
      report.add(report.invalid, { line, reason: row.reason });
      continue;
    }
    const first = firstLineOf.get(row.contact.phone);
    if (first !== undefined) {
      report.totals.duplicates++;
      report.add(report.duplicates, { line, phone: row.contact.phone, firstLine: first });
      continue;
    }
    firstLineOf.set(row.contact.phone, line);
    for (const w of row.warnings) {
      report.totals.warnings++;
      report.add(report.warnings, { line, field: w.field, reason: w.reason });
    }
    contacts.push({ line, contact: row.contact });
  }
  if (!map) throw new AppError('validation_failed', `the file is empty; expected a header row: ${EXPECTED_HEADERS}`);
  return { map, contacts };
}

export async function importContacts(deps: ImportDeps, input: AsyncIterable<Buffer | string>, o: ImportOptions): Promise<ImportReport> {
  const campaign = await checkOptions(deps.store, o);
  const report = new ReportBuilder();
  let parsed: Parsed;
  try {
    parsed = await readContacts(input, o, report);
  } catch (err) {
    if (!(err instanceof ImportFileError)) throw err;
    if (err.tooLarge) throw new AppError('payload_too_large', `${err.message} (nothing was imported)`);
    throw new AppError('validation_failed', `${err.message}; nothing was imported`, [
      { path: err.line === null ? 'file' : `line ${err.line}`, message: err.message },
    ]);
  }
  const { map, contacts } = parsed;

  if (o.strict && report.totals.invalid > 0) {
    throw new AppError(
      'validation_failed',
      `strict import refused: ${report.totals.invalid} invalid row(s); nothing was imported`,
      report.invalid.map((r) => ({ path: `line ${r.line}`, message: r.reason })),
    );
  }

  const applyOptions: ApplyOptions = { consentAttested: o.consent === 'attested', campaign };
  const decisions: Decision[] = [];
  for (let i = 0; i < contacts.length; i += ROWS_PER_TURN) {
    const slice = contacts.slice(i, i + ROWS_PER_TURN);
    const existing = await deps.store.imports.lookup(slice.map((c) => c.contact.phone), campaign?.id ?? null);
    slice.forEach(({ line, contact }, j) => {
      const d = decide(line, contact, existing[j]!, applyOptions);
      report.count(d.outcome);
      if (d.outcome === 'opted_out') report.add(report.optedOut, { line: d.line, phone: d.contact.phone });
      if (writes(d)) decisions.push(d);
    });
    await nextTurn();
  }

  let importId: string | null = null;
  if (!o.dryRun) {
    importId = deps.newId();
    await writeImport(deps, importId, decisions, report, o, campaign);
  }
  const t = report.totals;
  return {
    importId,
    dryRun: o.dryRun,
    consent: o.consent,
    newContactsStatus: o.consent === 'attested' ? 'subscribed' : 'pending',
    campaign: campaign ? { id: campaign.id, name: campaign.name } : null,
    columns: { ...map.mapped, ignored: map.ignored },
    totals: t,
    invalid: report.invalid,
    optedOut: report.optedOut,
    duplicates: report.duplicates,
    warnings: report.warnings,
    omitted: {
      invalid: t.invalid - report.invalid.length,
      optedOut: t.optedOut - report.optedOut.length,
      duplicates: t.duplicates - report.duplicates.length,
      warnings: t.warnings - report.warnings.length,
    },
  };
}
