/**
 * What use cases may ask about pledges once made (issue 14): following a tracked link (counts the
 * click, moves the pledge to `clicked`), recording payments and refunds matched to pledges (the
 * donations webhook and CSV import, idempotent on the processor's contribution id), the
 * per-pledge figures the summary and the console add up, and the broadcast links' click counts.
 */
import type { DonationInput } from '../../core/donation-input';
import type { StoredPledgeStatus } from '../../core/donations';

/** Where a tracked link goes, as stored: a plain URL, or what a donation URL is rendered from. */
export type LinkTarget =
  | { kind: 'url'; target: string }
  | {
      kind: 'donation'; donationUrl: string | null; amountCents: number | null; frequency: 'monthly' | 'once' | null; ref: string | null;
      firstName: string | null; email: string | null; zip: string | null;
    };

/**
 * One payment or refund as received, already validated and normalised (phone E.164, email
 * lower-cased): the domain's parsed donation, stored as it is.
 */
export type DonationRecord = DonationInput;

export type DonationOutcome =
  | { outcome: 'paid' | 'refunded'; matchedBy: 'refcode' | 'phone' | 'email'; pledgeId: string; campaignId: string }
  | { outcome: 'duplicate' }
  | { outcome: 'unmatched' };

/** One pledge with its payments, for the summary and the console. */
export interface PledgeFigures {
  id: string;
  contactId: string;
  campaignId: string;
  amountCents: number;
  frequency: 'monthly' | 'once';
  status: StoredPledgeStatus;
  paidCents: number;
  lastPaidAt: string | null;
  clicks: number;
}

export interface PledgesRepository {
  /** Counts one click of `code` and returns where it goes; undefined when there is no such link. */
  click(code: string, at: Date): Promise<LinkTarget | undefined>;
  /**
   * Matches each record (refcode, else phone, else email: the contact's latest pledge) and, unless
   * `dryRun`, stores them all in one transaction (all or nothing). A contribution id already stored
   * (or earlier in the same batch) is a duplicate and changes nothing.
   */
  recordDonations(records: readonly DonationRecord[], run: { dryRun: boolean; source: 'webhook' | 'import'; at: Date; newId: () => string }): Promise<DonationOutcome[]>;
  /** Each person's latest pledge to the campaign (a re-pledge replaces), with payments and clicks; and every payment to it. */
  figures(campaignId: string): Promise<{ pledges: PledgeFigures[]; paidCents: number }>;
  /** Tracked links of a broadcast: each URL with its clicks. */
  broadcastLinks(broadcastId: string): Promise<{ code: string; target: string; clicks: number }[]>;
  /** Recipients' own donation links a broadcast carried ({{donation_link}}): made, followed at least once, clicks in all. */
  broadcastDonationLinks(broadcastId: string): Promise<{ sent: number; clicked: number; clicks: number }>;
  /** Makes (or finds) the tracked link of a broadcast to `target`; returns its code. */
  broadcastLink(broadcastId: string, campaignId: string | null, target: string, code: string, at: Date): Promise<string>;
}
