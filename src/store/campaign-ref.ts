/** A campaign as export and import filters name it (by id or exact name): engine-neutral type. */
import type { Selectable } from 'kysely';
import type { CampaignsTable } from './database';

export type CampaignRef = Pick<Selectable<CampaignsTable>, 'id' | 'name' | 'sender'> & { active: boolean };
