/**
 * Driving a staged import run (src/store/imports/repository.ts) through the store in short steps,
 * one event-loop turn each, so webhooks are answered between them: the apply in chunks sized to a
 * time budget, the discard of an uncommitted run, and at start-up the runs a stopped process left
 * (uncommitted ones discarded, committed ones applied to the end).
 */
import type { Store } from '../../store/store';
import { nextTurn } from '../../shared/turn';

/**
 * Target milliseconds per apply chunk (one transaction holding the write lock). A staged row costs
 * ~20-150 µs to apply on a million-contact database depending on the machine's load
 * (docs/performance.md), so the chunk size follows the measured cost.
 */
export const APPLY_BUDGET_MS = 40;
const FIRST_CHUNK = 250;
const MIN_CHUNK = 50;
const MAX_CHUNK = 5000;
/** Staged rows removed per transaction when a run is discarded. */
const DISCARD_CHUNK = 2000;

export type ImportsStore = Pick<Store, 'imports'>;

/** Applies a committed run to the end; resolves once its record is written. */
export async function applyRun(store: ImportsStore, importId: string, now: () => number = () => performance.now()): Promise<void> {
  let size = FIRST_CHUNK;
  for (;;) {
    const t0 = now();
    const p = await store.imports.applyNext(importId, size);
    if (p.done) return;
    const took = now() - t0;
    if (took > 0 && p.applied > 0) {
      const ideal = (p.applied * APPLY_BUDGET_MS) / took;
      size = Math.round(Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.min(size * 2, Math.max(size / 2, ideal)))));
    }
    await nextTurn();
  }
}

/** Removes an uncommitted run and everything it staged. */
export async function discardRun(store: ImportsStore, importId: string): Promise<void> {
  while (!(await store.imports.discard(importId, DISCARD_CHUNK)).done) await nextTurn();
}

export interface ResumeReport {
  applied: string[];
  discarded: string[];
}

/**
 * At start-up: a run still staging belongs to a process that stopped before its commit point
 * (nothing of it was applied): discarded. A committed run is applied to the end. `onlyCommitted`
 * leaves staging runs alone (another process may be staging right now).
 */
export async function resumeImports(store: ImportsStore, options: { onlyCommitted?: boolean } = {}): Promise<ResumeReport> {
  const report: ResumeReport = { applied: [], discarded: [] };
  for (const run of await store.imports.runs()) {
    if (run.state === 'applying') {
      await applyRun(store, run.import_id);
      report.applied.push(run.import_id);
    } else if (!options.onlyCommitted) {
      await discardRun(store, run.import_id);
      report.discarded.push(run.import_id);
    }
  }
  return report;
}
