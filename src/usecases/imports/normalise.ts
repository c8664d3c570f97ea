/**
 * One imported row → a contact candidate, a bad row with its reason, or a blank line.
 * A row is bad only when its phone number is missing or unusable; a bad ZIP, email or name is
 * a warning and that field is left out (losing the person over a typo'd ZIP helps nobody).
 */
import { toE164 } from '../../core/phone';
import { validateEmail, validateZip } from '../../core/validators';
import type { ColumnMap } from './columns';

export interface Candidate {
  phone: string;
  firstName: string | null;
  zip: string | null;
  email: string | null;
}

export interface FieldWarning {
  field: 'first_name' | 'zip' | 'email';
  reason: string;
}

export type RowResult =
  | { kind: 'blank' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'contact'; contact: Candidate; warnings: FieldWarning[] };

const MAX_NAME = 50;

function cell(cells: string[], i: number | null): string {
  if (i === null) return '';
  return (cells[i] ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
}

function quoteShort(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

function phoneOf(cells: string[], map: ColumnMap): { phone: string } | { reason: string } {
  const values = map.phone.map((i) => cell(cells, i)).filter((v) => v !== '');
  if (values.length === 0) return { reason: 'no phone number' };
  for (const v of values) {
    const e164 = toE164(v);
    if (e164) return { phone: e164 };
  }
  const v = values[0]!;
  if (/^\d(\.\d+)?e\+\d+$/i.test(v)) {
    return { reason: `${quoteShort(v)} was turned into a number by a spreadsheet; format the phone column as text and export again` };
  }
  return { reason: `${quoteShort(v)} is not a phone number` };
}

function firstNameOf(cells: string[], map: ColumnMap, warnings: FieldWarning[]): string | null {
  let name = cell(cells, map.firstName);
  if (!name && map.fullName !== null) {
    const full = cell(cells, map.fullName);
    // "Lopez, Maria" is last-name-first; "Maria Lopez" is first-name-first.
    const given = full.includes(',') ? full.slice(full.indexOf(',') + 1).trim() : full;
    name = given.split(' ')[0] ?? '';
  }
  name = name.replace(/^["']+|["']+$/g, '').trim();
  if (!name) return null;
  if ([...name].length > MAX_NAME) {
    warnings.push({ field: 'first_name', reason: `longer than ${MAX_NAME} characters; left blank` });
    return null;
  }
  return name;
}

function zipOf(cells: string[], map: ColumnMap, warnings: FieldWarning[]): string | null {
  let z = cell(cells, map.zip);
  if (!z) return null;
  // Spreadsheets drop leading zeros: 02134 (Boston) arrives as 2134, 00501 as 501.
  if (/^\d{3,4}$/.test(z)) z = z.padStart(5, '0');
  else if (/^\d{3,4}-\d{4}$/.test(z)) z = z.padStart(10, '0');
  const v = validateZip(z);
  if (!v.ok) {
    warnings.push({ field: 'zip', reason: `${quoteShort(z)} is not a US ZIP code; left blank` });
    return null;
  }
  return v.value;
}

function emailOf(cells: string[], map: ColumnMap, warnings: FieldWarning[]): string | null {
  const e = cell(cells, map.email);
  if (!e) return null;
  const v = validateEmail(e);
  if (!v.ok) {
    warnings.push({ field: 'email', reason: `${quoteShort(e)} is not an email address; left blank` });
    return null;
  }
  return v.value;
}

export function normaliseRow(cells: string[], map: ColumnMap, headerWidth: number): RowResult {
  if (cells.every((c) => c.trim() === '')) return { kind: 'blank' };
  let width = cells.length;
  while (width > 0 && cells[width - 1]!.trim() === '') width--;
  if (width > headerWidth) {
    // Values beyond the header mean the columns are shifted (an unquoted comma in a name?):
    // importing them into the wrong fields would be worse than reporting the row.
    return { kind: 'invalid', reason: `has ${width} fields but the header has ${headerWidth} (an unquoted comma?)` };
  }
  const phone = phoneOf(cells, map);
  if ('reason' in phone) return { kind: 'invalid', reason: phone.reason };
  const warnings: FieldWarning[] = [];
  const contact: Candidate = {
    phone: phone.phone,
    firstName: firstNameOf(cells, map, warnings),
    zip: zipOf(cells, map, warnings),
    email: emailOf(cells, map, warnings),
  };
  return { kind: 'contact', contact, warnings };
}
