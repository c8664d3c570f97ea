/**
 * What the export use cases ask of the store: the rows of each CSV export, a page at a time (an
 * async iterable, so an engine with network round trips can implement it), and the audit trail.
 * Paging (the keyset) is the engine's business: the reader only says how big the next page may be.
 */
import type { CampaignRef } from '../campaign-ref';
import type { Broadcast } from '../database';
import type { ExportAudit, ExportAuditTable, NewExportAudit } from './tables';

/** contacts.csv, one row per contact: the values of these fields, in this order. */
export const CONTACT_EXPORT_FIELDS = [
  'phone', 'first_name', 'zip', 'email', 'campaigns', 'status', 'joined_at', 'opted_out_at', 'pledge_amount', 'pledge_frequency', 'flow_completed',
  // The supporter's language (issue 16): en, es, or empty when unknown (they get the campaign default).
  'language',
  // Issue 13: their own referral code, the code of whoever recruited them, how many they recruited, their teams.
  'referral_code', 'recruited_by', 'recruits', 'teams',
] as const;
/** pledges.csv, one row per pledge, oldest first. */
export const PLEDGE_EXPORT_FIELDS = [
  'phone', 'first_name', 'zip', 'email', 'campaign', 'pledge_amount', 'pledge_frequency', 'pledged_at', 'status', 'paid_total',
  'last_paid_at', 'clicks', 'contact_status',
] as const;
/** broadcasts/:id.csv, one row per recipient in snapshot order. */
export const BROADCAST_EXPORT_FIELDS = [
  'phone', 'first_name', 'zip', 'delivery_status', 'error_code', 'error', 'twilio_sid', 'status_updated_at',
] as const;

export type ContactExportField = (typeof CONTACT_EXPORT_FIELDS)[number];
export type PledgeExportField = (typeof PLEDGE_EXPORT_FIELDS)[number];
export type BroadcastExportField = (typeof BROADCAST_EXPORT_FIELDS)[number];

/**
 * Which contacts an export covers. Test contacts never appear. With a campaign, joined_at,
 * flow_completed and the pledge columns describe that campaign; without one, the first campaign
 * joined (or when the contact first texted), whether any flow was completed, the latest pledge.
 */
export interface ContactScope {
  campaignId?: string;
  subscribed?: boolean;
  pledged?: boolean;
  /** Inclusive lower bound on joined_at (pledged_at for pledges), ISO-8601 UTC. */
  since?: string;
  /** Exclusive upper bound, ISO-8601 UTC. */
  until?: string;
  includeOptedOut?: boolean;
  /** Custom fields (contacts.fields) to add as columns after the fixed ones, in this order. */
  customFields?: readonly string[];
}

/** The contacts export's scope, less `pledged` (every row there is a pledge). */
export type PledgeScope = Omit<ContactScope, 'pledged' | 'customFields'> & {
  /** The instant the pledge statuses are worked out for (paid this month or last, else lapsed); default: now. */
  asOf?: string;
};

export interface BroadcastScope {
  broadcastId: string;
  /** Only recipients in this delivery status. */
  status?: string;
  includeOptedOut?: boolean;
  /** The `error` field: a sentence for each error code worth explaining (others are left empty). */
  errorText: Readonly<Record<number, string>>;
}

/**
 * One exported row: the values of the export's fields in the order of its field list (strings,
 * numbers or null, already formatted: amounts as "12.50", times as ISO-8601). An engine may
 * append values of its own after them (its paging key); readers stop at the field count.
 */
export type ExportRow = readonly unknown[];

/** Asked before each page is read: how many rows it may hold. */
export type PageSize = () => number;

export type ExportOutcome = Exclude<ExportAuditTable['outcome'], 'running'>;
export type CampaignChoice = Pick<CampaignRef, 'id' | 'name' | 'active'>;

export interface ExportsRepository {
  /** Campaigns whose id is `given`, else whose name is `given` ignoring case. */
  findCampaigns(given: string): Promise<CampaignRef[]>;
  /** Every campaign (inactive ones too), oldest first, for the export forms. */
  campaignChoices(): Promise<CampaignChoice[]>;
  findBroadcast(id: string): Promise<Pick<Broadcast, 'id' | 'name'> | undefined>;
  /**
   * The rows in key order, one page per step; the iteration ends after the first page shorter
   * than asked for. No transaction or cursor is held between pages, so writers (webhooks) are
   * never blocked by a slow download.
   */
  contacts(scope: ContactScope, size: PageSize): AsyncIterable<ExportRow[]>;
  pledges(scope: PledgeScope, size: PageSize): AsyncIterable<ExportRow[]>;
  broadcastRecipients(scope: BroadcastScope, size: PageSize): AsyncIterable<ExportRow[]>;
  /** Opens an audit row (outcome 'running'). */
  openAudit(row: Omit<NewExportAudit, 'outcome' | 'row_count' | 'finished_at'>): Promise<void>;
  /** Closes a running audit row; a closed one is left as it is. */
  closeAudit(id: string, outcome: ExportOutcome, rowCount: number, at: string): Promise<void>;
  /** Newest first; `before` pages back by started_at. */
  listAudit(limit: number, before?: string): Promise<ExportAudit[]>;
}
