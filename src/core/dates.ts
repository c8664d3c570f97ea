/**
 * The one parser for the dates and times organizers and volunteers type: broadcast audience
 * bounds, broadcast sendAt, export filters. JavaScript's Date quietly rolls an impossible date
 * over ("2026-02-31" becomes March 3), which would schedule a broadcast or cut an audience on a
 * day nobody asked for; this refuses it, and every caller refuses with the same words.
 *
 * Accepted: a UTC day "2026-11-21" (where the caller allows a bare date) or an instant
 * "2026-11-21T18:00Z", "2026-11-21T18:00:00.123Z", "2026-11-21T12:00:00-06:00" (or -0600). A time
 * without a zone is refused: whose 18:00 would it be?
 */
import { z } from 'zod';

export type ParsedInstant =
  | { ok: true; iso: string; dateOnly: boolean }
  | { ok: false; message: string };

const FORM =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export const DATE_EXAMPLE = '2026-11-21';
export const TIME_EXAMPLE = '2026-11-21T18:00:00Z';

/** `allowDate`: a bare day means 00:00 UTC of that day (else only an instant with a zone). */
export function parseInstant(text: string, allowDate: boolean): ParsedInstant {
  const expected = allowDate
    ? `must be a date (${DATE_EXAMPLE}) or an ISO-8601 time with a zone (${TIME_EXAMPLE})`
    : `must be an ISO-8601 time with a zone, e.g. ${TIME_EXAMPLE}`;
  const m = FORM.exec(text.trim());
  if (!m) return { ok: false, message: expected };
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1970 || month < 1 || month > 12) return { ok: false, message: expected };
  if (day < 1 || day > daysIn(year, month)) {
    return { ok: false, message: `must be a date that exists: ${MONTHS[month - 1]} ${year} has ${daysIn(year, month)} days (got ${y}-${mo}-${d})` };
  }
  if (h === undefined) {
    if (!allowDate) return { ok: false, message: expected };
    return { ok: true, iso: new Date(Date.UTC(year, month - 1, day)).toISOString(), dateOnly: true };
  }
  if (zone === undefined) return { ok: false, message: `${expected}: add Z (UTC) or an offset like -06:00` };
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, message: `${expected} (hours 00-23, minutes and seconds 00-59)` };
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    // +05, +0530 or +05:30
    const hours = Number(zone.slice(1, 3));
    const minutes = zone.length === 3 ? 0 : Number(zone.slice(-2));
    if (hours > 23 || minutes > 59) return { ok: false, message: `${expected} (offsets go up to ±23:59)` };
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  const at = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  return { ok: true, iso: new Date(at).toISOString(), dateOnly: false };
}

/** A zod string → parsed instant (zod issue with the parser's message when it is not one). */
export function instantSchema(allowDate: boolean) {
  return z.string().transform((raw, ctx): { iso: string; dateOnly: boolean } => {
    const p = parseInstant(raw, allowDate);
    if (p.ok) return { iso: p.iso, dateOnly: p.dateOnly };
    ctx.addIssue({ code: 'custom', message: p.message });
    return z.NEVER;
  });
}
