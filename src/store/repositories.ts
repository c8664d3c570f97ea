/**
 * Every repository of the Store, built on one engine's Runner (src/store/work.ts): the code is
 * the same for SQLite and PostgreSQL, only the runner differs.
 */
import { AuditStore } from './audit/shared';
import { BroadcastsStore } from './broadcasts/shared';
import { CampaignsStore } from './campaigns/shared';
import { ContactsStore } from './contacts/shared';
import { ExportsStore } from './exports/shared';
import { ImportsStore } from './imports/shared';
import { InboundStore } from './inbound/shared';
import { InboxStore } from './inbox/shared';
import { LiveStore } from './live/shared';
import { OutboxStore } from './outbox/shared';
import { PledgesStore } from './pledges/shared';
import { SequencesStore } from './sequences/shared';
import { ReferralsStore } from './referrals/shared';
import { PeopleStore } from './people/shared';
import { IdeasStore, PollsStore } from './polls/shared';
import type { ReceiptPolicy } from './receipts/repository';
import { ReceiptsStore } from './receipts/shared';
import { RehearsalStore } from './rehearsal/shared';
import { SessionsStore } from './sessions/shared';
import type { Store } from './store';
import type { Runner } from './work';

export type Repositories = Omit<Store, 'engine' | 'crossProcess' | 'ping' | 'startUpkeep' | 'close'>;

export interface RepositoryOptions {
  /** What the SMS provider's status words and error codes mean (wiring passes the Twilio adapter's). */
  receiptPolicy: ReceiptPolicy;
}

export function repositories(r: Runner, options: RepositoryOptions): Repositories {
  return {
    broadcasts: new BroadcastsStore(r),
    outbox: new OutboxStore(r, options.receiptPolicy),
    inbound: new InboundStore(r),
    receipts: new ReceiptsStore(r),
    rehearsal: new RehearsalStore(r),
    exports: new ExportsStore(r),
    imports: new ImportsStore(r),
    campaigns: new CampaignsStore(r),
    contacts: new ContactsStore(r),
    sessions: new SessionsStore(r),
    live: new LiveStore(r),
    people: new PeopleStore(r),
    audit: new AuditStore(r),
    inbox: new InboxStore(r),
    polls: new PollsStore(r),
    ideas: new IdeasStore(r),
    pledges: new PledgesStore(r),
    sequences: new SequencesStore(r),
    referrals: new ReferralsStore(r),
  };
}

/**
 * What every engine's Store holds: the repositories, built once on the engine's runner. Engines
 * extend it and add only their own mechanics (ping, upkeep, close).
 */
export abstract class RepositoriesOf implements Repositories {
  readonly broadcasts: Repositories['broadcasts'];
  readonly outbox: Repositories['outbox'];
  readonly inbound: Repositories['inbound'];
  readonly receipts: Repositories['receipts'];
  readonly rehearsal: Repositories['rehearsal'];
  readonly exports: Repositories['exports'];
  readonly imports: Repositories['imports'];
  readonly campaigns: Repositories['campaigns'];
  readonly contacts: Repositories['contacts'];
  readonly sessions: Repositories['sessions'];
  readonly live: Repositories['live'];
  readonly people: Repositories['people'];
  readonly audit: Repositories['audit'];
  readonly inbox: Repositories['inbox'];
  readonly polls: Repositories['polls'];
  readonly ideas: Repositories['ideas'];
  readonly pledges: Repositories['pledges'];
  readonly sequences: Repositories['sequences'];
  readonly referrals: Repositories['referrals'];

  constructor(runner: Runner, options: RepositoryOptions) {
    const r = repositories(runner, options);
    this.broadcasts = r.broadcasts;
    this.outbox = r.outbox;
    this.inbound = r.inbound;
    this.receipts = r.receipts;
    this.rehearsal = r.rehearsal;
    this.exports = r.exports;
    this.imports = r.imports;
    this.campaigns = r.campaigns;
    this.contacts = r.contacts;
    this.sessions = r.sessions;
    this.live = r.live;
    this.people = r.people;
    this.audit = r.audit;
    this.inbox = r.inbox;
    this.polls = r.polls;
    this.ideas = r.ideas;
    this.pledges = r.pledges;
    this.sequences = r.sequences;
    this.referrals = r.referrals;
  }
}
