/**
 * What use cases may ask for the live rally screen: each campaign's display link (token and the
 * moment "tonight" counts from) and the aggregate numbers the screen shows. Asynchronous so that
 * every engine can implement it. Nothing here can carry a name or a phone number.
 */

export interface LiveDisplay {
  campaignId: string;
  token: string;
  /** ISO instant "tonight" counts from; null = the rolling window. */
  countingFrom: string | null;
}

export interface LiveStats {
  joined: number;
  completed: number;
  pledgedCents: number;
  /** Payments matched to the campaign's pledges (refunds subtracted) paid in the window (issue 14). */
  paidCents: number;
  goalCents: number;
  /** ISO instant the counts start from. */
  since: string;
}

export interface LiveRepository {
  display(campaignId: string): Promise<LiveDisplay | undefined>;
  displayByToken(token: string): Promise<LiveDisplay | undefined>;
  /** The campaign's display, created with `token` when it has none yet. */
  ensureDisplay(campaignId: string, token: string, now: Date): Promise<LiveDisplay>;
  /** Gives the display a new token (creating the display if needed): the old link stops working. */
  replaceToken(campaignId: string, token: string, now: Date): Promise<LiveDisplay>;
  /** Sets where "tonight" starts (null: rolling); `token` is used only if the display is new. */
  setCountingFrom(campaignId: string, from: string | null, token: string, now: Date): Promise<LiveDisplay>;
  /**
   * Since `since`, test numbers left out: people who joined, sign-ups completed, and monthly
   * pledges (each person's latest, so a re-pledge replaces rather than doubles); with the goal.
   * Null when the campaign does not exist.
   */
  stats(campaignId: string, since: string): Promise<LiveStats | null>;
}
