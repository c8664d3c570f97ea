/**
 * The CSV columns of each export: the store's fields (src/store/exports/repository.ts), in its
 * order, each with how its cells are written (csv.ts). Typed by field name, so a field added to
 * the store without a cell kind here does not compile.
 */
import {
  BROADCAST_EXPORT_FIELDS, CONTACT_EXPORT_FIELDS, PLEDGE_EXPORT_FIELDS,
  type BroadcastExportField, type ContactExportField, type PledgeExportField,
} from '../../store/exports/repository';
import type { CellKind, CsvColumn } from './csv';

function columns<F extends string>(fields: readonly F[], kinds: Record<F, CellKind>): readonly CsvColumn[] {
  return fields.map((name) => ({ name, kind: kinds[name] }));
}

/** contacts.csv: one row per contact (test contacts never; opted-out ones only when an organizer asks). */
export const CONTACT_COLUMNS = columns<ContactExportField>(CONTACT_EXPORT_FIELDS, {
  phone: 'phone', first_name: 'text', zip: 'text', email: 'text', campaigns: 'text', status: 'data', joined_at: 'data',
  opted_out_at: 'data', pledge_amount: 'data', pledge_frequency: 'data', flow_completed: 'data', language: 'data',
  referral_code: 'data', recruited_by: 'data', recruits: 'data', teams: 'text',
});

/** pledges.csv: one row per pledge, oldest first, with the contact and campaign it belongs to. */
export const PLEDGE_COLUMNS = columns<PledgeExportField>(PLEDGE_EXPORT_FIELDS, {
  phone: 'phone', first_name: 'text', zip: 'text', email: 'text', campaign: 'text', pledge_amount: 'data',
  pledge_frequency: 'data', pledged_at: 'data', status: 'data', paid_total: 'data', last_paid_at: 'data', clicks: 'data', contact_status: 'data',
});

/**
 * broadcasts/:id.csv: the delivery report of one broadcast, one row per recipient in snapshot
 * order, with its delivery status, Twilio error (explained) and the time of its last status change.
 */
export const BROADCAST_COLUMNS = columns<BroadcastExportField>(BROADCAST_EXPORT_FIELDS, {
  phone: 'phone', first_name: 'text', zip: 'text', delivery_status: 'data', error_code: 'data', error: 'data',
  twilio_sid: 'data', status_updated_at: 'data',
});

/** Captures that already have their own column (first_name, zip, email) or a table (pledge). */
const BUILT_IN_CAPTURES = new Set(['first_name', 'zip', 'email', 'pledge']);

/**
 * Custom fields flow steps capture (issue 13: `shift`, `team` …), in the order first met across
 * the flows given (stored flow JSON, read defensively): one contacts.csv column each, after the
 * fixed ones, named as captured (`field_<name>` if that is a fixed column's name).
 */
export function customFieldColumns(flows: readonly unknown[]): { field: string; column: string }[] {
  const seen = new Set<string>();
  const fixed = new Set<string>(CONTACT_EXPORT_FIELDS);
  const out: { field: string; column: string }[] = [];
  for (const flow of flows) {
    const steps = (flow as { steps?: unknown } | null)?.steps;
    if (!Array.isArray(steps)) continue;
    for (const step of steps) {
      const capture = (step as { capture?: unknown } | null)?.capture;
      if (typeof capture !== 'string' || !/^[a-z][a-z0-9_]{0,39}$/.test(capture) || BUILT_IN_CAPTURES.has(capture) || seen.has(capture)) continue;
      seen.add(capture);
      out.push({ field: capture, column: fixed.has(capture) ? `field_${capture}` : capture });
    }
  }
  return out;
}
