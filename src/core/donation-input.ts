/**
 * Payments as processors report them, read into one shape (pure): the generic JSON
 * `{ contributionId, amount, refcode, phone, email, paidAt }`, ActBlue's webhook JSON, and the
 * rows of a contributions CSV (ActBlue's export columns, or the generic names). Amounts in odd
 * formats ("$1,000.00", "(10.00)", "-5", "10 USD") become cents; a negative amount, or a row
 * with a refund id, is a refund. A time without a zone is read as UTC.
 */
import { toE164 } from './phone';
import { validateEmail } from './validators';

export interface DonationInput {
  contributionId: string;
  kind: 'payment' | 'refund';
  /** Positive for a payment, negative for a refund. */
  amountCents: number;
  refcode: string | null;
  /** E.164 */
  phone: string | null;
  /** Lower-cased. */
  email: string | null;
  paidAt: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: { path: string; message: string }[] };

/** Cents from "10", "$10.50", "1,000.00", "(10.00)", "-10", "10.00 USD"; null when it is not an amount. */
export function parseAmountCents(input: unknown): number | null {
  if (typeof input === 'number') return Number.isFinite(input) && Math.abs(input) <= 100_000_000 ? Math.round(input * 100) : null;
  if (typeof input !== 'string') return null;
  let s = input.trim().replace(/\s*(usd|us\$)\s*/giu, '').trim();
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1).trim();
  }
  s = s.replace(/^\$\s*/, '');
  const m = /^(\d{1,3}(?:,\d{3})+|\d{1,9})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const cents = Number(m[1]!.replace(/,/g, '')) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
  if (cents > 10_000_000_000) return null;
  return negative ? -cents : cents;
}

/** An ISO instant from "2026-11-21T20:00:00Z", "2026-11-21 20:00:00" (UTC), "2026-11-21", "11/21/2026". */
export function parsePaidAt(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const s = input.trim();
  let y: string, mo: string, d: string, time: string, zone: string;
  let m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) {
    [y, mo, d] = [m[3]!, m[1]!.padStart(2, '0'), m[2]!.padStart(2, '0')];
    time = `${(m[4] ?? '0').padStart(2, '0')}:${m[5] ?? '00'}:${m[6] ?? '00'}`;
    zone = 'Z';
  } else if ((m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s))) {
    [y, mo, d] = [m[1]!, m[2]!, m[3]!];
    time = m[4] ?? '00:00:00';
    zone = m[5] ?? 'Z';
  } else return null;
  // "2026-02-31" would roll over in Date: the calendar date must exist as written.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCFullYear() !== Number(y) || day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) return null;
  const t = Date.parse(`${y}-${mo}-${d}T${time}${zone}`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function text(v: unknown, max = 200): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const s = v.trim();
  return s === '' ? null : s.slice(0, max);
}

function contactOf(phone: unknown, email: unknown): { phone: string | null; email: string | null } {
  const p = text(phone, 40);
  const e = text(email, 254);
  const checked = e ? validateEmail(e) : null;
  return { phone: p ? toE164(p) : null, email: checked?.ok ? checked.value.toLowerCase() : null };
}

/** The generic JSON `{ contributionId, amount, refcode, phone, email, paidAt }` (amount in dollars; negative: a refund). */
export function parseGenericDonation(body: Record<string, unknown>): Parsed<DonationInput> {
  const problems: { path: string; message: string }[] = [];
  const id = text(body.contributionId);
  if (!id) problems.push({ path: 'contributionId', message: 'is required (the processor\'s contribution id)' });
  const cents = parseAmountCents(body.amount);
  if (cents === null || cents === 0) problems.push({ path: 'amount', message: 'must be an amount in dollars like 10 or "10.00" (negative for a refund)' });
  const paidAt = body.paidAt === undefined ? null : parsePaidAt(body.paidAt);
  if (body.paidAt !== undefined && !paidAt) problems.push({ path: 'paidAt', message: 'must be an ISO-8601 date-time' });
  if (problems.length > 0) return { ok: false, problems };
  const c = contactOf(body.phone, body.email);
  return {
    ok: true,
    value: {
      contributionId: id!, kind: cents! < 0 ? 'refund' : 'payment', amountCents: cents!, refcode: text(body.refcode, 100), phone: c.phone, email: c.email,
      paidAt: paidAt ?? '',
    },
  };
}

/**
 * ActBlue's webhook JSON: `{ donor: { email, phone, … }, contribution: { orderNumber, refcode,
 * refcodes, createdAt, status? }, lineitems: [{ lineitemId, amount, paidAt, … }] }`. One
 * contribution id per webhook: the first line item's id (the "Lineitem ID" of the CSV export), so
 * the webhook and a later CSV of the same contribution are one payment. A refund notice
 * (status/event naming a refund, or a negative amount) is a refund.
 */
export function parseActBlueDonation(body: Record<string, unknown>): Parsed<DonationInput> {
  const contribution = (body.contribution ?? {}) as Record<string, unknown>;
  const donor = (body.donor ?? {}) as Record<string, unknown>;
  const items = Array.isArray(body.lineitems) ? (body.lineitems as Record<string, unknown>[]).filter((i) => i && typeof i === 'object') : [];
  const problems: { path: string; message: string }[] = [];
  if (items.length === 0) problems.push({ path: 'lineitems', message: 'must list at least one line item' });
  const id = text(items[0]?.lineitemId) ?? text(contribution.orderNumber);
  if (!id) problems.push({ path: 'lineitems.0.lineitemId', message: 'is required (or contribution.orderNumber)' });
  let cents = 0;
  items.forEach((item, i) => {
    const c = parseAmountCents(item.amount);
    if (c === null) problems.push({ path: `lineitems.${i}.amount`, message: 'must be an amount like "10.00"' });
    else cents += c;
  });
  if (items.length > 0 && cents === 0 && problems.length === 0) problems.push({ path: 'lineitems.0.amount', message: 'must not be zero' });
  const when = text(items[0]?.paidAt) ?? text(contribution.createdAt);
  const paidAt = when ? parsePaidAt(when) : null;
  if (when && !paidAt) problems.push({ path: 'lineitems.0.paidAt', message: 'must be a date-time' });
  if (problems.length > 0) return { ok: false, problems };
  const refunded = /refund|cancel/i.test(`${text(contribution.status) ?? ''} ${text(body.eventType) ?? ''}`) || cents < 0;
  const refcodes = (contribution.refcodes ?? {}) as Record<string, unknown>;
  const c = contactOf(donor.phone, donor.email);
  return {
    ok: true,
    value: {
      contributionId: id!, kind: refunded ? 'refund' : 'payment', amountCents: refunded ? -Math.abs(cents) : cents,
      refcode: text(contribution.refcode, 100) ?? text(refcodes.refcode, 100), phone: c.phone, email: c.email, paidAt: paidAt ?? '',
    },
  };
}

/** Which shape a webhook body is: ActBlue's carries `lineitems`. */
export function parseDonationWebhook(body: unknown): Parsed<DonationInput> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, problems: [{ path: '', message: 'must be a JSON object' }] };
  const b = body as Record<string, unknown>;
  return 'lineitems' in b || 'contribution' in b ? parseActBlueDonation(b) : parseGenericDonation(b);
}

/** CSV columns we read, each with the header names that mean it (compared without case or spaces). */
export const DONATION_CSV_COLUMNS = {
  contributionId: ['lineitem id', 'receipt id', 'contributionid', 'contribution id', 'contribution_id'],
  amount: ['amount'],
  refcode: ['reference code', 'refcode'],
  phone: ['donor phone', 'phone'],
  email: ['donor email', 'email'],
  paidAt: ['date', 'payment date', 'paidat', 'paid_at'],
  refundId: ['refund id'],
  refundDate: ['refund date'],
} as const;

export type DonationCsvField = keyof typeof DONATION_CSV_COLUMNS;

const norm = (h: string) => h.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Where each field is in the header (the first match in DONATION_CSV_COLUMNS' order of names, so
 * "Lineitem ID" wins over "Receipt ID"), the headers we do not read, and what is missing.
 */
export function donationColumns(header: readonly string[]): { index: Partial<Record<DonationCsvField, number>>; ignored: string[]; missing: string[] } {
  const names = header.map(norm);
  const index: Partial<Record<DonationCsvField, number>> = {};
  const used = new Set<number>();
  for (const [field, aliases] of Object.entries(DONATION_CSV_COLUMNS) as [DonationCsvField, readonly string[]][]) {
    for (const a of aliases) {
      const i = names.indexOf(a);
      if (i >= 0) {
        index[field] = i;
        used.add(i);
        break;
      }
    }
  }
  const missing: string[] = [];
  if (index.contributionId === undefined) missing.push('a contribution id column (Lineitem ID, Receipt ID or contributionId)');
  if (index.amount === undefined) missing.push('Amount');
  if (index.paidAt === undefined) missing.push('a date column (Date, Payment Date or paidAt)');
  return { index, ignored: header.filter((_h, i) => !used.has(i)), missing };
}

/** One CSV row as a payment or refund, or what is wrong with it. */
export function donationFromRow(cells: readonly string[], index: Partial<Record<DonationCsvField, number>>): Parsed<DonationInput> {
  const at = (f: DonationCsvField) => (index[f] === undefined ? undefined : cells[index[f]!]);
  const problems: { path: string; message: string }[] = [];
  const id = text(at('contributionId'));
  if (!id) problems.push({ path: 'contributionId', message: 'is empty' });
  const cents = parseAmountCents(at('amount') ?? '');
  if (cents === null || cents === 0) problems.push({ path: 'amount', message: `"${(at('amount') ?? '').slice(0, 40)}" is not an amount` });
  const refundId = text(at('refundId'));
  const rawDate = refundId ? (text(at('refundDate')) ?? text(at('paidAt'))) : text(at('paidAt'));
  const paidAt = rawDate ? parsePaidAt(rawDate) : null;
  if (!paidAt) problems.push({ path: 'paidAt', message: `"${(rawDate ?? '').slice(0, 40)}" is not a date` });
  if (problems.length > 0) return { ok: false, problems };
  const refund = !!refundId || cents! < 0;
  const c = contactOf(at('phone'), at('email'));
  return {
    ok: true,
    value: {
      contributionId: id!, kind: refund ? 'refund' : 'payment', amountCents: refund ? -Math.abs(cents!) : cents!, refcode: text(at('refcode'), 100),
      phone: c.phone, email: c.email, paidAt: paidAt!,
    },
  };
}
