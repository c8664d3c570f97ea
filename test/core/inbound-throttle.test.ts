/** The router's flood rule: compliance honoured, at most a consent-change confirmation said, nothing else. */
import { parseCampaign } from '../../src/core/campaign';
import { decideInbound as route, type ContactSnapshot, type InboundInput } from '../../src/core/inbound';
import { changesOf } from '../../src/core/inbound-events';
import { KeywordIndex } from '../../src/core/keywords';
import { DEMO_CAMPAIGN } from '../../src/usecases/campaigns/seed';

const parsed = parseCampaign(DEMO_CAMPAIGN);
if (!parsed.ok) throw new Error('demo campaign invalid');
const campaign = { id: 'k1', ...parsed.value };
let n = 0;
/** The router's events folded into the rows they change, as every store applies them. */
const decideInbound = (i: InboundInput) => changesOf(route(i), i.contact.status);
const input = (text: string, status: ContactSnapshot['status'], throttled: boolean): InboundInput => ({
  text, now: new Date('2026-11-21T20:00:00Z'), senderCampaign: campaign, keywords: new KeywordIndex([campaign]),
  contact: { id: 'c1', status, firstName: null, zip: null, email: null }, conversation: null, conversationCampaign: null,
  optOutType: null, throttled, newId: () => `id${++n}`,
});

test('an ordinary text from a throttled number is recorded as throttled and changes nothing', () => {
  const d = decideInbound(input('JOIN', 'pending', true));
  expect(d).toMatchObject({ handledAs: 'throttled', status: 'pending', replies: [], consent: [], conversation: null, membership: null });
});

test('STOP is honoured in a flood, with its one confirmation', () => {
  const d = decideInbound(input('STOP', 'subscribed', true));
  expect(d.status).toBe('opted_out');
  expect(d.consent).toHaveLength(1);
  expect(d.replies.map((r) => r.purpose)).toEqual(['opt_out_confirmation']);
});

test('HELP is recorded but not answered in a flood; START confirms only a real change', () => {
  const help = decideInbound(input('HELP', 'subscribed', true));
  expect(help.consent.map((c) => c.kind)).toEqual(['help']);
  expect(help.replies).toEqual([]);
  expect(decideInbound(input('START', 'subscribed', true)).replies).toEqual([]);
  expect(decideInbound(input('START', 'opted_out', true)).replies).toHaveLength(1);
});

test('without the flag the same texts are decided normally', () => {
  expect(decideInbound(input('JOIN', 'pending', false)).handledAs).toBe('flow_start');
  expect(decideInbound(input('HELP', 'subscribed', false)).replies).toHaveLength(1);
});
