/**
 * Donation links and pledge references (issue 14), pure: the campaign's donation URL template
 * (https, five merge fields, each value URL-encoded), short codes for tracked links and pledge
 * references derived from the injected id generator, the `{{link:https://…}}` token of messages,
 * and a pledge's status as people read it (paid / lapsed by calendar month, UTC).
 */
import { z } from 'zod';
import { checkTemplate, renderTemplate } from './template';
import { zodProblems, type ParseResult } from './validation';

/** Merge fields a donation URL template may use. */
export const DONATION_URL_FIELDS = ['pledge_amount', 'pledge_ref', 'first_name', 'email', 'zip'] as const;

const SAMPLE = { pledge_amount: '10', pledge_ref: 'rtsample', first_name: 'Ana', email: 'ana@example.org', zip: '60601' };

/** A campaign's `donationUrl`: https, known merge fields only, a URL once merged. */
export const donationUrlSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(2000, 'must be at most 2000 characters')
  .superRefine((url, ctx) => {
    for (const p of checkTemplate(url, DONATION_URL_FIELDS)) ctx.addIssue({ code: 'custom', message: p.message });
    let parsed: URL;
    try {
      parsed = new URL(renderDonationUrl(url, SAMPLE));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a URL' });
      return;
    }
    if (parsed.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must be an https:// URL' });
  });

export function parseDonationUrl(input: unknown): ParseResult<string> {
  const r = donationUrlSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, problems: zodProblems(r.error) };
}

export interface DonationValues {
  pledge_amount: string | null;
  pledge_ref: string | null;
  first_name: string | null;
  email: string | null;
  zip: string | null;
}

/** The donation URL for one supporter: every merged value URL-encoded (an email's "+" stays a "+"). */
export function renderDonationUrl(template: string, v: DonationValues): string {
  const encoded: Record<string, string> = {};
  for (const f of DONATION_URL_FIELDS) encoded[f] = v[f] ? encodeURIComponent(v[f]!) : '';
  return renderTemplate(template, encoded);
}

/** A pledge amount as a donation form takes it: "10" or "10.50". */
export function amountParam(cents: number): string {
  const whole = Math.floor(cents / 100);
  const rest = cents % 100;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, '0')}`;
}

/**
 * A short, unguessable code from an id: the random bits of a UUIDv7 (the last 60 of its hex
 * digits' bits, never its time) in base 36, about 12 characters. Ids that are not UUIDs (tests'
 * counters) are kept as their letters and digits.
 */
export function shortCode(id: string): string {
  const hex = id.replace(/-/g, '');
  if (/^[0-9a-f]{32}$/i.test(hex)) return BigInt(`0x${hex.slice(17)}`).toString(36);
  return id.replace(/[^A-Za-z0-9]/g, '');
}

/** A pledge reference (ActBlue refcodes take letters, digits and underscores). */
export function pledgeRef(id: string): string {
  return `rt${shortCode(id)}`;
}

/** The path of a tracked link. */
export function linkPath(code: string): string {
  return `/l/${code}`;
}

/** A code as it may appear in /l/<code>: anything else is a 404 without a lookup. */
export const LINK_CODE = /^[A-Za-z0-9]{1,40}$/;

/** `{{link:https://…}}` in a message: a tracked short link to that URL. */
const LINK_TOKEN = /\{\{\s*link:(\S+?)\s*\}\}/g;

/** The URLs a message links to with `{{link:…}}`, in order of first use. */
export function linkTargets(template: string): string[] {
  return [...new Set([...template.matchAll(LINK_TOKEN)].map((m) => m[1]!))];
}

/** Problems with the `{{link:…}}` tokens of a message (each must be an https URL). */
export function linkProblems(template: string): string[] {
  const out: string[] = [];
  for (const url of linkTargets(template)) {
    try {
      if (new URL(url).protocol !== 'https:') out.push(`{{link:${url}}} must be an https:// URL`);
    } catch {
      out.push(`{{link:${url}}} is not a URL`);
    }
  }
  return out;
}

/** A message without its link tokens (for checking the rest as an ordinary template). */
export function withoutLinks(template: string): string {
  return template.replace(LINK_TOKEN, '');
}

/** Replaces each `{{link:URL}}` with the short URL `short(URL)` gives. */
export function replaceLinks(template: string, short: (url: string) => string): string {
  return template.replace(LINK_TOKEN, (_all, url: string) => short(url));
}

/** "2026-11" for an instant (UTC): a monthly pledge counts as paid for the month it was paid in. */
export function monthOf(iso: string): string {
  return iso.slice(0, 7);
}

/** The calendar month before `month` ("2026-01" → "2025-12"). */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export type StoredPledgeStatus = 'pledged' | 'link_sent' | 'clicked' | 'paid';
export type PledgeStatusView = StoredPledgeStatus | 'lapsed';
export const PLEDGE_STATUSES: readonly PledgeStatusView[] = ['pledged', 'link_sent', 'clicked', 'paid', 'lapsed'];

/**
 * A pledge's status now. A one-time pledge once paid stays paid. A monthly pledge is `paid` while
 * a payment fell in this month or the last one; once paid, a pledge with no payment in either is
 * `lapsed` (a reminder is due). Before any payment, how far the ask got.
 */
export function pledgeStatus(
  p: { status: StoredPledgeStatus; frequency: 'monthly' | 'once'; lastPaidAt: string | null; paidCents: number }, now: Date,
): PledgeStatusView {
  // Paid, then refunded in full: they reached the form, so at least `clicked`.
  if (p.lastPaidAt === null || p.paidCents <= 0) return p.status === 'paid' ? 'clicked' : p.status;
  if (p.frequency === 'once') return 'paid';
  const month = monthOf(now.toISOString());
  const paidMonth = monthOf(p.lastPaidAt);
  return paidMonth >= previousMonth(month) ? 'paid' : 'lapsed';
}
