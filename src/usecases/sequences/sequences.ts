/**
 * Organizers' follow-up sequences (issue 14) as the API and the console use them: list, save,
 * read, delete, and one contact's schedule. The adapters call these and never the store, so the
 * "not found" rule and the clock live in one place.
 */
import type { Clock, IdGenerator } from '../../core/clock';
import type { SequenceSpec } from '../../core/sequences';
import { AppError } from '../../shared/errors';
import type { ScheduleEntry, SequenceView } from '../../store/sequences/repository';
import type { Store } from '../../store/store';

export type { ScheduleEntry, SequenceView };

export interface SequenceDeps {
  store: Pick<Store, 'sequences'>;
  /** The campaign registry keeps each campaign's sequence triggers: reloaded after a change, so the next text sees it. */
  registry?: { reload(): Promise<void> };
  clock: Clock;
  newId: IdGenerator;
}

export class Sequences {
  constructor(private readonly deps: SequenceDeps) {}

  list(campaignId?: string): Promise<SequenceView[]> {
    return this.deps.store.sequences.list(campaignId);
  }

  async create(spec: SequenceSpec): Promise<SequenceView> {
    return this.changed(await this.deps.store.sequences.create(this.deps.newId(), spec, this.deps.clock.now(), this.deps.newId));
  }

  async get(id: string): Promise<SequenceView> {
    const s = await this.deps.store.sequences.get(id);
    if (!s) throw new AppError('not_found', `sequence ${id} not found`);
    return s;
  }

  async update(id: string, spec: SequenceSpec): Promise<SequenceView> {
    return this.changed(await this.deps.store.sequences.update(id, spec, this.deps.clock.now(), this.deps.newId));
  }

  async remove(id: string): Promise<SequenceView> {
    return this.changed(await this.deps.store.sequences.remove(id, this.deps.clock.now()));
  }

  /** Other processes see the change through the campaigns version the store moved; this one reloads now. */
  private async changed(s: SequenceView): Promise<SequenceView> {
    await this.deps.registry?.reload();
    return s;
  }

  /** A contact's follow-up schedule (the console's contact page). */
  contactSchedule(contactId: string): Promise<ScheduleEntry[]> {
    return this.deps.store.sequences.contactSchedule(contactId);
  }
}
