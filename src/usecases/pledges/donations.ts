/**
 * Payments coming in: the donations webhook (one contribution per call) and the contributions CSV
 * import (a dry run reports each row's outcome; applying is all or nothing, and refused while any
 * row is invalid). Both match by refcode, else phone, else email, and are idempotent on the
 * processor's contribution id (store/pledges).
 */
import type { Clock, IdGenerator } from '../../core/clock';
import { donationColumns, donationFromRow, type DonationInput } from '../../core/donation-input';
import { AppError } from '../../shared/errors';
import type { DonationOutcome } from '../../store/pledges/repository';
import type { Store } from '../../store/store';
import { readCsv, type ImportEncoding } from '../imports/read-csv';

export interface DonationDeps {
  store: Pick<Store, 'pledges'>;
  clock: Clock;
  newId: IdGenerator;
}

/** One payment from the webhook; a duplicate delivery changes nothing. */
export async function receiveDonation(deps: DonationDeps, d: DonationInput): Promise<DonationOutcome> {
  const now = deps.clock.now();
  const record = { ...d, paidAt: d.paidAt || now.toISOString() };
  const [outcome] = await deps.store.pledges.recordDonations([record], { dryRun: false, source: 'webhook', at: now, newId: deps.newId });
  return outcome!;
}

export interface DonationRowReport {
  line: number;
  contributionId: string | null;
  amountCents: number | null;
  outcome: 'paid' | 'refunded' | 'duplicate' | 'unmatched' | 'invalid';
  matchedBy?: 'refcode' | 'phone' | 'email';
  problems?: { path: string; message: string }[];
}

export interface DonationImportReport {
  dryRun: boolean;
  applied: boolean;
  ignoredColumns: string[];
  totals: Record<DonationRowReport['outcome'], number> & { rows: number; paidCents: number; refundedCents: number };
  rows: DonationRowReport[];
}

const MAX_BYTES = 20 * 1024 * 1024;

export async function importDonations(
  deps: DonationDeps, body: AsyncIterable<Buffer | string>, options: { dryRun: boolean; encoding: ImportEncoding },
): Promise<DonationImportReport> {
  let header: string[] | null = null;
  let index: ReturnType<typeof donationColumns>['index'] = {};
  let ignored: string[] = [];
  const rows: DonationRowReport[] = [];
  const valid: { row: DonationRowReport; d: DonationInput }[] = [];
  for await (const rec of readCsv(body, { encoding: options.encoding, maxBytes: MAX_BYTES })) {
    if (!header) {
      header = rec.cells;
      const cols = donationColumns(header);
      if (cols.missing.length > 0) {
        throw new AppError('validation_failed', 'the CSV lacks columns the import needs', cols.missing.map((m) => ({ path: 'header', message: `missing ${m}` })));
      }
      index = cols.index;
      ignored = cols.ignored;
      continue;
    }
    if (rec.cells.every((c) => c.trim() === '')) continue;
    const parsed = donationFromRow(rec.cells, index);
    if (!parsed.ok) {
      rows.push({ line: rec.line, contributionId: null, amountCents: null, outcome: 'invalid', problems: parsed.problems });
      continue;
    }
    const row: DonationRowReport = { line: rec.line, contributionId: parsed.value.contributionId, amountCents: parsed.value.amountCents, outcome: 'unmatched' };
    rows.push(row);
    valid.push({ row, d: parsed.value });
  }
  if (!header) throw new AppError('validation_failed', 'the CSV is empty', [{ path: 'header', message: 'no header row' }]);
  const invalid = rows.some((r) => r.outcome === 'invalid');
  // All or nothing: with an invalid row nothing is applied, and the report says why (as a dry run would).
  const dryRun = options.dryRun || invalid;
  const outcomes = await deps.store.pledges.recordDonations(valid.map((v) => v.d), { dryRun, source: 'import', at: deps.clock.now(), newId: deps.newId });
  outcomes.forEach((o, i) => {
    const row = valid[i]!.row;
    row.outcome = o.outcome;
    if (o.outcome === 'paid' || o.outcome === 'refunded') row.matchedBy = o.matchedBy;
  });
  const totals = { rows: rows.length, paid: 0, refunded: 0, duplicate: 0, unmatched: 0, invalid: 0, paidCents: 0, refundedCents: 0 };
  for (const r of rows) {
    totals[r.outcome]++;
    if (r.outcome === 'paid') totals.paidCents += r.amountCents ?? 0;
    if (r.outcome === 'refunded') totals.refundedCents += -(r.amountCents ?? 0);
  }
  const report = { dryRun: options.dryRun, applied: !dryRun, ignoredColumns: ignored, totals, rows };
  if (invalid && !options.dryRun) {
    throw new AppError('validation_failed', 'some rows are invalid: nothing was imported', rows.filter((r) => r.outcome === 'invalid').flatMap((r) =>
      (r.problems ?? []).map((p) => ({ path: `line ${r.line}.${p.path}`, message: p.message }))), );
  }
  return report;
}
