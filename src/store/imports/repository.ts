/**
 * What the contact-import use case asks of the store. An import of 50,000 rows is too much work
 * for one transaction on a single-writer database (SQLite: ~0.7-3 s of held write lock, and every
 * webhook waits for it; docs/performance.md), so it is written in steps that are each short:
 *
 *   lookup (read only)  →  open a run  →  stage rows (chunks)  →  commit the run  →  apply (chunks)
 *
 * Until `commit`, nothing outside the staging tables has been written and `discard` removes it
 * all. `commit` is the import's commit point: from then on the import is decided and will be
 * applied completely. Each `applyNext` claims the next staged rows, writes them and advances the
 * run in ONE transaction, so a failure or a crash between chunks is resumed (`applyNext` again,
 * by this process or by `runs()` at the next start), never half-done for good and never applied
 * twice. The last chunk writes the import's record and removes the run.
 *
 * The chunks apply the import's rules against the database as it is at that moment (set-based
 * SQL), not as it was at lookup time: a number that texted STOP or joined in between is treated
 * as what it now is.
 */
import type { CampaignRef } from '../campaign-ref';
import type { Contact } from '../database';
import type { ContactImport, ImportRun, StagedContact } from './tables';

/** A number already in the database, and whether it is already in the import's campaign. */
export type ExistingContact = Pick<Contact, 'id' | 'status' | 'first_name' | 'zip' | 'email'> & { member: boolean };

/** One contact to stage: its normalised fields and the ids its new rows get if they are written. */
export type StageRow = Omit<StagedContact, 'import_id' | 'seq'>;

/** What a run writes, fixed when it is opened. */
export interface ImportRunTarget {
  importId: string;
  /** The campaign the contacts join (null: none); consent events name it and its sender. */
  campaign: Pick<CampaignRef, 'id' | 'sender'> | null;
  consent: 'attested' | 'none';
  source: 'api' | 'cli';
  filename: string | null;
  /** Every row written carries this time; it is also the record's created_at. */
  at: string;
}

export interface ApplyProgress {
  /** Staged rows applied by this call. */
  applied: number;
  /** Staged rows still to apply. */
  remaining: number;
  /** True once the last chunk has been applied and the record written (or the run is gone). */
  done: boolean;
}

export interface ImportsRepository {
  /** Campaigns whose id is `given`, else whose name is `given` ignoring case. */
  findCampaigns(given: string): Promise<CampaignRef[]>;
  /** The current state of each number, in order (reads only). */
  lookup(phones: readonly string[], campaignId: string | null): Promise<(ExistingContact | null)[]>;
  /** Opens a run in state 'staging' (nothing else is written). */
  open(target: ImportRunTarget): Promise<void>;
  /** Appends rows to a staging run, in apply order (one short transaction). */
  stage(importId: string, rows: readonly StageRow[]): Promise<void>;
  /**
   * The commit point: checks that exactly `expected` rows are staged, stores the report's totals
   * and turns the run to 'applying' (one short transaction). Throws if the run is gone or short.
   */
  commit(importId: string, expected: number, totals: string): Promise<void>;
  /** Applies up to `maxRows` more staged rows of an applying run (one transaction). */
  applyNext(importId: string, maxRows: number): Promise<ApplyProgress>;
  /** Removes up to `maxRows` staged rows of a run that is still staging, and the run with the last of them. */
  discard(importId: string, maxRows: number): Promise<{ done: boolean }>;
  /** Runs left by a process that stopped (or still working in another process). */
  runs(): Promise<ImportRun[]>;
  /** The imports applied so far, newest first. */
  list(limit: number): Promise<ContactImport[]>;
}
