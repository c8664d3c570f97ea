/**
 * What use cases may ask of stored campaigns (organizers' CRUD, the router's runtime view, the
 * console's totals). Asynchronous so that every engine can implement it.
 */
import type { CampaignRuntime, CampaignSpec } from '../../core/campaign';
import type { FieldProblem } from '../../core/validation';

/** What the admin API shows: the runtime fields, the flow as stored, and bookkeeping. */
export interface CampaignView extends Omit<CampaignRuntime, 'flow'> {
  /** The stored flow JSON (shown as stored even when it no longer parses). */
  flow: unknown;
  goalCents: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Per-campaign totals for the console's campaign list (test numbers never count). */
export interface CampaignCounts {
  joined: number;
  completed: number;
  optedOut: number;
}

/** An active campaign the router cannot use: its stored flow no longer parses. */
export interface SkippedCampaign {
  campaignId: string;
  /** `problems` when the JSON is not a valid flow, `error` when it is not JSON at all. */
  problems?: FieldProblem[];
  error?: string;
}

export interface RuntimeCampaigns {
  campaigns: CampaignRuntime[];
  skipped: SkippedCampaign[];
}

export interface NewCampaign {
  id: string;
  spec: CampaignSpec;
  goalCents: number;
  now: Date;
}

export interface CampaignsRepository {
  /** Oldest first; active ones only unless `includeInactive`. */
  list(includeInactive: boolean): Promise<CampaignView[]>;
  find(id: string): Promise<CampaignView | undefined>;
  /** Throws AppError `conflict` when a keyword is taken on the sender. */
  create(c: NewCampaign): Promise<CampaignView>;
  /** `create` only when no campaign exists at all (the demo seed); null when some did. */
  createIfNone(c: NewCampaign): Promise<CampaignView | null>;
  /** Replaces the campaign's spec (and its goal when given). Throws `not_found` or `conflict`. */
  update(id: string, spec: CampaignSpec, now: Date, goalCents?: number): Promise<CampaignView>;
  setGoal(id: string, goalCents: number, now: Date): Promise<CampaignView>;
  /** The campaign stops answering and its keywords are free for reuse. Data is kept. */
  deactivate(id: string, now: Date): Promise<CampaignView>;
  counts(): Promise<Map<string, CampaignCounts>>;
  /** Moves on every campaign change, so other processes know to reload their keyword index. */
  version(): Promise<string>;
  /** Active campaigns as the router needs them, and those skipped because their flow is broken. */
  runtime(): Promise<RuntimeCampaigns>;
}
