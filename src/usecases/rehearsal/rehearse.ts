/**
 * The console's phone simulator: text a campaign from a fictional test number, in-process, through
 * the same inbound use case a real text takes. The number is flagged as a test contact first, and
 * the conversation is read back from what the store recorded.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { CampaignRuntime } from '../../core/campaign';
import type { Clock, IdGenerator } from '../../core/clock';
import type { Bubble } from '../../store/rehearsal/repository';
import type { Store } from '../../store/store';
import type { CampaignRegistry } from '../campaigns/registry';
import type { InboundTexts } from '../inbound/receive-text';

export type { Bubble };

const AREA_CODES = ['202', '212', '213', '305', '312', '415', '503', '617', '702', '808'];

/** A fictional number (NXX-555-01XX, reserved for fiction) for a new rehearsal. */
export function randomTestNumber(): string {
  return `+1${AREA_CODES[randomInt(AREA_CODES.length)]}55501${String(randomInt(100)).padStart(2, '0')}`;
}

export interface RehearsalDeps {
  store: Pick<Store, 'rehearsal'>;
  inbound: InboundTexts;
  registry: CampaignRegistry;
  clock: Clock;
  newId: IdGenerator;
}

export class Rehearsal {
  constructor(private readonly deps: RehearsalDeps) {}

  /** The campaigns that answer texts right now, oldest first. */
  async campaigns(): Promise<CampaignRuntime[]> {
    await this.deps.registry.refreshIfStale(this.deps.clock.now().getTime());
    return this.deps.registry.all();
  }

  /**
   * Texts `body` to `sender` from the test number `phone`. Refuses (and sends nothing) when the
   * number belongs to a real supporter.
   */
  async text(phone: string, sender: string, body: string): Promise<'sent' | 'real_contact'> {
    const claimed = await this.deps.store.rehearsal.claimTestNumber(phone, { now: this.deps.clock.now(), newId: this.deps.newId });
    if (claimed === 'real_contact') return 'real_contact';
    await this.deps.inbound.receive({
      messageSid: `SM${randomBytes(16).toString('hex')}`, from: phone, to: sender, body, numMedia: 0, optOutType: null, fromState: null,
    });
    return 'sent';
  }

  log(phone: string, sender: string): Promise<Bubble[]> {
    return this.deps.store.rehearsal.log(phone, sender);
  }
}
