/**
 * /healthz's question, "does the database answer?", as a use case: the adapter asks it and
 * encodes the answer, and never calls the store itself (docs/architecture.md).
 */
import type { Store } from '../../store/store';

/** Resolves when the database answers a trivial query; rejects with the engine's error otherwise. */
export function checkDatabase(deps: { store: Pick<Store, 'ping'> }): Promise<void> {
  return deps.store.ping();
}
