/**
 * The store: the one door to persistence. Use cases reach the database only through this
 * interface; an engine (SQLite today, PostgreSQL next) implements it. Every method is
 * asynchronous so that an engine with network round trips can implement it; the SQLite engine
 * answers from one synchronous connection and resolves at once (or after its group commit).
 *
 * Repositories are organised by feature (src/store/<feature>/): table types and the functions
 * that read and write them side by side. Engine mechanics (group commit, WAL checkpoints,
 * pragmas, pools) stay inside the engine's folder and never appear here.
 */

import type { BroadcastRepository } from './broadcasts/repository';
import type { OutboxRepository } from './outbox/repository';
import type { InboundRepository } from './inbound/repository';
import type { ReceiptsRepository } from './receipts/repository';
import type { RehearsalRepository } from './rehearsal/repository';
import type { ExportsRepository } from './exports/repository';
import type { ImportsRepository } from './imports/repository';
import type { CampaignsRepository } from './campaigns/repository';
import type { ContactsRepository } from './contacts/repository';
import type { LiveRepository } from './live/repository';
import type { SessionsRepository } from './sessions/repository';
import type { PeopleRepository } from './people/repository';
import type { AuditRepository } from './audit/repository';
import type { InboxRepository } from './inbox/repository';
import type { IdeasRepository, PollsRepository } from './polls/repository';
import type { PledgesRepository } from './pledges/repository';
import type { SequencesRepository } from './sequences/repository';
import type { ReferralsRepository } from './referrals/repository';
import type { Logger } from 'pino';
import type { CrossProcess } from './cross-process';

export type StoreEngine = 'sqlite' | 'postgres';

export interface Store {
  readonly engine: StoreEngine;
  readonly broadcasts: BroadcastRepository;
  readonly outbox: OutboxRepository;
  readonly inbound: InboundRepository;
  readonly receipts: ReceiptsRepository;
  readonly rehearsal: RehearsalRepository;
  readonly exports: ExportsRepository;
  readonly imports: ImportsRepository;
  readonly campaigns: CampaignsRepository;
  readonly contacts: ContactsRepository;
  readonly sessions: SessionsRepository;
  readonly people: PeopleRepository;
  readonly audit: AuditRepository;
  readonly live: LiveRepository;
  readonly inbox: InboxRepository;
  /**
   * Only on an engine several gateway processes share (PostgreSQL): signals between them and the
   * per-number flood buckets they all take from. Absent on SQLite (one process per file).
   */
  readonly crossProcess?: CrossProcess;
  readonly polls: PollsRepository;
  readonly ideas: IdeasRepository;
  /** Pledges once made (issue 14): tracked links, payments, figures. */
  readonly pledges: PledgesRepository;
  /** Follow-up sequences and each contact's schedule of them (issue 14). */
  readonly sequences: SequencesRepository;
  /** Referral codes, recruiters, supporters' pages and teams (issue 13). */
  readonly referrals: ReferralsRepository;
  /** Resolves when the database answers a trivial read (health checks). */
  ping(): Promise<void>;
  /**
   * Starts the engine's background upkeep for a long-running process (SQLite: WAL checkpoints in
   * a worker thread); `close` stops it. Tools and tests that open the store briefly skip it.
   */
  startUpkeep(logger: Logger): void;
  /** Commits anything pending, stops the upkeep and closes the connection(s). */
  close(): Promise<void>;
}
