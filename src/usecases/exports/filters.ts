/**
 * Export filters: the query string of /api/exports/*.csv (and the CLI's options, mapped onto the
 * same names), validated with zod. An unknown parameter is refused rather than ignored: a typo
 * such as `?subscibed=1` must not silently export everyone.
 */
import { z } from 'zod';
import { instantSchema } from '../../core/dates';
import { zodProblems, type ParseResult } from '../../core/validation';

export type ExportKind = 'contacts' | 'pledges' | 'broadcast';

export interface ExportFilters {
  /** Campaign id or exact name, as given (resolved against the database later). */
  campaign?: string;
  /** Only contacts whose status is subscribed. */
  subscribed?: boolean;
  /** Only contacts with at least one pledge (in the campaign, when one is given). */
  pledged?: boolean;
  /** Inclusive lower bound, ISO-8601 UTC (joined_at for contacts, pledged_at for pledges). */
  since?: string;
  /** Exclusive upper bound, ISO-8601 UTC: `until=2026-11-21` includes that whole UTC day. */
  until?: string;
  /** Organizers only: include contacts who opted out (excluded by default). */
  includeOptedOut?: boolean;
  /** Broadcast report: only recipients in this delivery status. */
  status?: string;
  /** Start the file with a UTF-8 byte order mark (for Excel). */
  bom?: boolean;
}

const DAY_MS = 86_400_000;

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'], { message: 'must be 1 or 0 (true/false)' })
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/** "2026-11-21" (a UTC day; `until` includes all of it) or an ISO-8601 instant (src/core/dates.ts). */
function instant(edge: 'since' | 'until') {
  return z
    .string()
    // An unencoded "+01:00" offset arrives as " 01:00" from a query string.
    .transform((raw) => raw.trim().replace(/ (\d{2}:?\d{2})$/, '+$1'))
    .pipe(instantSchema(true))
    .transform(({ iso, dateOnly }) => (edge === 'since' ? iso : new Date(Date.parse(iso) + (dateOnly ? DAY_MS : 1)).toISOString()));
}

const campaign = z.string().trim().min(1, 'must not be empty').max(200);
const common = {
  include_opted_out: flag.optional(),
  includeOptedOut: flag.optional(),
  bom: flag.optional(),
};
const window = { since: instant('since').optional(), until: instant('until').optional() };

const SCHEMAS = {
  contacts: z.strictObject({ campaign: campaign.optional(), subscribed: flag.optional(), pledged: flag.optional(), ...window, ...common }),
  pledges: z.strictObject({ campaign: campaign.optional(), subscribed: flag.optional(), ...window, ...common }),
  broadcast: z.strictObject({
    status: z.string().trim().regex(/^[a-z_]{1,30}$/, 'must be a delivery status such as delivered or failed').optional(),
    ...common,
  }),
} as const;

/** The parameter names an export accepts, for error messages and the CLI. */
export function allowedParameters(kind: ExportKind): string[] {
  return Object.keys(SCHEMAS[kind].shape).filter((k) => k !== 'includeOptedOut');
}

export function parseExportFilters(kind: ExportKind, query: unknown): ParseResult<ExportFilters> {
  const r = SCHEMAS[kind].safeParse(query ?? {});
  if (!r.success) {
    const problems = zodProblems(r.error).map((p) =>
      p.message.startsWith('Unrecognized key')
        ? { path: p.path || 'query', message: `${p.message}; this export accepts: ${allowedParameters(kind).join(', ')}` }
        : p,
    );
    return { ok: false, problems };
  }
  const q = r.data as Record<string, unknown>;
  const f: ExportFilters = {};
  if (q.campaign !== undefined) f.campaign = q.campaign as string;
  if (q.subscribed) f.subscribed = true;
  if (q.pledged) f.pledged = true;
  if (q.since !== undefined) f.since = q.since as string;
  if (q.until !== undefined) f.until = q.until as string;
  if (q.include_opted_out || q.includeOptedOut) f.includeOptedOut = true;
  if (q.status !== undefined) f.status = q.status as string;
  if (q.bom) f.bom = true;
  if (f.since && f.until && f.since >= f.until) {
    return { ok: false, problems: [{ path: 'until', message: 'must be after since' }] };
  }
  return { ok: true, value: f };
}
