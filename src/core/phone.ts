/** Phone numbers: E.164 for people, short codes as digits. */
import { parsePhoneNumberFromString } from 'libphonenumber-js';

const NANP_E164 = /^\+1[2-9]\d{2}[2-9]\d{6}$/;

/**
 * A person's number as E.164, or null when it is not a phone number (an alphanumeric
 * sender ID, a short code, garbage). Default region US for numbers written without +.
 */
export function toE164(input: string, defaultRegion: 'US' = 'US'): string | null {
  const s = input.trim();
  if (NANP_E164.test(s)) return s;
  if (s.length > 40 || !/^[\d\s()+.\-]+$/.test(s)) return null;
  const digits = s.replace(/\D/g, '');
  if (!s.startsWith('+') && digits.length <= 6) return null; // short code
  const parsed = parsePhoneNumberFromString(s, defaultRegion);
  if (!parsed || !parsed.isPossible()) return null;
  return parsed.number;
}

/** Our sender as Twilio writes it in To: "62262" for a short code, E.164 otherwise. */
export function normalizeSender(to: string): string | null {
  const s = to.trim();
  if (/^\d{5,6}$/.test(s)) return s;
  return toE164(s);
}
