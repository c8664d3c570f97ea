/**
 * Header mapping for imported lists. Headers are compared without case, spaces or punctuation
 * ("E-mail", "Zip Code", "Mobile Phone" all work). Several phone columns may exist ("Mobile",
 * "Phone"): the mobile-looking one is tried first, then the next when a row leaves it blank.
 * A single "Name" / "Full Name" column provides the first name when there is no first-name column.
 */
export interface ColumnMap {
  /** Indexes of phone columns, best first. */
  phone: number[];
  firstName: number | null;
  fullName: number | null;
  zip: number | null;
  email: number | null;
  /** The header text of each mapped column, for the report. */
  mapped: { phone: string[]; first_name: string | null; zip: string | null; email: string | null };
  ignored: string[];
}

/** Aliases in order of preference (normalised: lower-case letters and digits only). */
const PHONE = [
  'mobile', 'mobilephone', 'mobilenumber', 'mobilephonenumber', 'cell', 'cellphone', 'cellnumber', 'cellphonenumber',
  'sms', 'smsnumber', 'phone', 'phonenumber', 'phone1', 'primaryphone', 'telephone', 'tel',
];
const FIRST_NAME = ['firstname', 'first', 'fname', 'givenname', 'forename', 'preferredname', 'nickname'];
const FULL_NAME = ['name', 'fullname', 'contactname'];
const ZIP = ['zip', 'zipcode', 'zip5', 'postal', 'postalcode', 'postcode', 'zippostalcode', 'zippostal'];
const EMAIL = ['email', 'emailaddress', 'mail', 'primaryemail'];

export function normaliseHeader(h: string): string {
  return h.replace(/^\uFEFF/, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

function pick(keys: string[], aliases: string[]): number | null {
  for (const a of aliases) {
    const i = keys.indexOf(a);
    if (i >= 0) return i;
  }
  return null;
}

export const EXPECTED_HEADERS = 'phone (or mobile, cell, phone_number), first_name (or first), zip (or zip_code, postal), email';

export function mapColumns(header: string[]): ColumnMap | null {
  const keys = header.map(normaliseHeader);
  const phone: number[] = [];
  for (const a of PHONE) keys.forEach((k, i) => k === a && !phone.includes(i) && phone.push(i));
  if (phone.length === 0) return null;
  const firstName = pick(keys, FIRST_NAME);
  const fullName = firstName === null ? pick(keys, FULL_NAME) : null;
  const zip = pick(keys, ZIP);
  const email = pick(keys, EMAIL);
  const used = new Set<number>([...phone, firstName, fullName, zip, email].filter((i): i is number => i !== null));
  const at = (i: number | null) => (i === null ? null : header[i]!.trim());
  return {
    phone, firstName, fullName, zip, email,
    mapped: { phone: phone.map((i) => header[i]!.trim()), first_name: at(firstName ?? fullName), zip: at(zip), email: at(email) },
    ignored: header.map((h, i) => (used.has(i) ? null : h.trim())).filter((h): h is string => h !== null && h !== ''),
  };
}
