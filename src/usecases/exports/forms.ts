/** What the console's export forms offer (the campaigns) and check before sending to the CSV URL. */
import type { Store } from '../../store/store';
import type { CampaignChoice } from '../../store/exports/repository';
import { oneCampaign, type CampaignRef } from '../campaign-ref';

export type { CampaignChoice };

/** Every campaign, inactive ones too, oldest first. */
export function campaignChoices(store: Pick<Store, 'exports'>): Promise<CampaignChoice[]> {
  return store.exports.campaignChoices();
}

/** The one campaign an export filter names; an AppError (not found, ambiguous) otherwise. */
export async function exportCampaign(store: Pick<Store, 'exports'>, given: string): Promise<CampaignRef> {
  return oneCampaign(given, await store.exports.findCampaigns(given));
}
