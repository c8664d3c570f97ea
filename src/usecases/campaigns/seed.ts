/** The demo campaign a fresh install answers with: text JOIN (or RALLY) to 62262. */
import type { Logger } from 'pino';
import { parseCampaign, type CampaignInput } from '../../core/campaign';
import { DEMO_FLOW } from '../../core/flow';
import type { Clock, IdGenerator } from '../../core/clock';
import type { CampaignView } from '../../store/campaigns/repository';
import type { Store } from '../../store/store';

export const DEMO_CAMPAIGN: CampaignInput = {
  name: 'Demo rally',
  programName: 'Rally Alerts',
  sender: '62262',
  keywords: [{ word: 'JOIN', aliases: ['RALLY'] }],
  frequency: 'Up to 6 msgs/mo',
  supportContact: 'help@rallytext.example',
  expiryHours: 24,
  flow: DEMO_FLOW,
};

/** Creates the demo campaign when the database has no campaigns at all; null when it had some. */
export async function seedDemo(store: Store, clock: Clock, newId: IdGenerator, logger: Logger): Promise<CampaignView | null> {
  const parsed = parseCampaign(DEMO_CAMPAIGN);
  if (!parsed.ok) throw new Error(`demo campaign is invalid: ${JSON.stringify(parsed.problems)}`);
  const c = await store.campaigns.createIfNone({ id: newId(), spec: parsed.value, goalCents: 500_000, now: clock.now() });
  if (c) logger.info({ campaignId: c.id, sender: c.sender, keywords: c.keywords }, 'demo campaign created (SEED_DEMO=false to skip)');
  return c;
}
