/**
 * A contact import from start to finish, for the HTTP API and the CLI alike:
 * options checked → file stream-parsed row by row (normalised, deduplicated within the file)
 * → every contact decided and written in ONE transaction (or only decided, for a dry run)
 * → a report with line numbers for every row that was not imported as-is.
 * Nothing is written until the whole file has been read: a file that cannot be read to the end
 * (broken quoting, wrong encoding, too large, connection lost) imports nothing.
 */
import type { Clock, IdGenerator } from '../../core/clock';
import { AppError } from '../../shared/errors';
import type { ExistingContact } from '../../store/imports/repository';
import type { Store } from '../../store/store';
import { oneCampaign, type CampaignRef } from '../campaign-ref';
import { decide, planWrites, type ApplyOptions, type Decision, type RowOutcome } from './apply';
import { EXPECTED_HEADERS, mapColumns, type ColumnMap } from './columns';
import { normaliseRow, type Candidate } from './normalise';
import { ImportFileError, readCsv, type ImportEncoding } from './read-csv';

/**
 * One synchronous transaction writes the whole file, and while it runs the gateway answers
 * nothing else (about 30-60 µs per row on a million-contact database; docs/performance.md).
 * 50,000 rows keep that pause around two seconds; the CLI can raise it for a quiet hour (--max-rows).
 */
export const MAX_IMPORT_ROWS = 50_000;
export const MAX_IMPORT_BYTES = 32 * 1_048_576;
/** Problem lists in the report stop here; the totals always count everything. */
export const REPORT_LIST_LIMIT = 1000;

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

  const at = deps.clock.now().toISOString();
  const applyOptions: ApplyOptions = { consentAttested: o.consent === 'attested', campaign, newId: deps.newId };
  const phones = contacts.map((c) => c.contact.phone);
  const decideAll = (existing: readonly (ExistingContact | null)[]): Decision[] => {
    const decisions = contacts.map(({ line, contact }, i) => decide(line, contact, existing[i]!, applyOptions));
    for (const d of decisions) {
      report.count(d.outcome);
      if (d.outcome === 'opted_out') report.add(report.optedOut, { line: d.line, phone: d.contact.phone });
    }
    return decisions;
  };

  let importId: string | null = null;
  if (o.dryRun) {
    decideAll(await deps.store.imports.lookup(phones, campaign?.id ?? null));
  } else {
    importId = deps.newId();
    const id = importId;
    await deps.store.imports.apply(phones, { campaign, at }, (existing) => ({
      ...planWrites(decideAll(existing), applyOptions),
      record: {
        id, source: o.source, filename: o.filename ?? null, campaign_id: campaign?.id ?? null, consent: o.consent,
        totals: JSON.stringify(report.totals), created_at: at,
      },
    }));
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
