/**
 * One versioned change to the schema, the same for both engines: its DDL is written once and
 * differs per engine only where the engines differ (types, identity columns). Migrations are
 * numbered (0001-…, 0002-…) and applied in that order, once each; see docs/storage.md.
 */
import type { StoreEngine } from '../store';

export interface VersionedMigration {
  /** "0001-initial": the number orders the history; never rename or reorder an applied one. */
  readonly name: string;
  /** The statements for one engine, as one script (statements end with `;`, no bound values). */
  ddl(engine: StoreEngine): string;
}
