/**
 * The router's precedence while a broadcast's question waits (docs/conversation.md): compliance
 * first; YES from a subscribed supporter is an answer; a keyword alone starts its flow but a
 * valid yes/no or choice answer, or a free-text answer that merely begins with a keyword, is the
 * answer; answers to a broadcast are counted (broadcast_answered) with the value branches use.
 */
import { parseCampaign } from '../../src/core/campaign';
import { parseBroadcastFlow } from '../../src/core/broadcast-flow';
import type { Flow } from '../../src/core/flow';
import { decideInbound, type InboundInput } from '../../src/core/inbound';
import { changesOf } from '../../src/core/inbound-events';
import { KeywordIndex } from '../../src/core/keywords';
import { DEMO_CAMPAIGN } from '../../src/usecases/campaigns/seed';

const parsed = parseCampaign({ ...DEMO_CAMPAIGN, keywords: [{ word: 'JOIN', aliases: ['RALLY'] }] });
if (!parsed.ok) throw new Error('demo campaign invalid');
const campaign = { id: 'k1', ...parsed.value };
let n = 0;

function flowOf(step: Record<string, unknown>): Flow {
  const r = parseBroadcastFlow({ steps: [{ id: 'q', prompt: 'Q?', capture: 'answer', reprompt: 'Again?', ...step }], completion: 'Thanks!' }, null);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value;
}

const input = (text: string, flow: Flow | null, over: Partial<InboundInput> = {}): InboundInput => ({
  text, now: new Date('2026-11-21T20:00:00Z'), senderCampaign: campaign, keywords: new KeywordIndex([campaign]),
  contact: { id: 'c1', status: 'subscribed', firstName: null, zip: null, email: null },
  conversation: { id: 'conv1', campaignId: 'k1', keyword: 'JOIN', stepIndex: 0, attempts: 0, captured: {}, expiresAt: '2026-11-22T20:00:00Z', broadcastId: 'b1' },
  conversationCampaign: campaign, broadcastFlow: flow, optOutType: null, newId: () => `id${++n}`, ...over,
});
const decide = (i: InboundInput) => changesOf(decideInbound(i), i.contact.status);

const yesno = flowOf({ validate: { type: 'yesno' } });
const choice = flowOf({ validate: { type: 'choice', options: [{ value: 'rally', label: 'the rally' }, { value: 'phones' }] } });
const free = flowOf({ validate: { type: 'text' } });

test('YES to a broadcast question is an answer, counted as "yes", never a second opt-in confirmation', () => {
  const d = decide(input('YES', yesno));
  expect(d.handledAs).toBe('flow_resume');
  expect(d.answers).toEqual([{ broadcastId: 'b1', stepId: 'q', value: 'yes' }]);
  expect(d.custom).toEqual({ answer: true });
  expect(d.consent).toEqual([]);
  // Even to a choice question: a re-prompt, not the opt-in confirmation.
  const c = decide(input('yes', choice));
  expect(c.handledAs).toBe('flow_resume');
  expect(c.replies.map((r) => r.body)).toEqual(['Again?']);
  expect(c.answers).toEqual([]);
});

test('compliance keeps precedence: STOP interrupts, HELP leaves the question open, START re-confirms', () => {
  const stop = decide(input('stop', yesno));
  expect(stop.handledAs).toBe('opt_out');
  expect(stop.closed).toEqual([{ id: 'conv1', status: 'interrupted' }]);
  expect(stop.answers).toEqual([]);
  const help = decide(input('HELP', yesno));
  expect(help.handledAs).toBe('help');
  expect(help.closed).toEqual([]);
  expect(decide(input('START', yesno)).handledAs).toBe('opt_in');
});

test('a keyword alone starts its flow and replaces the broadcast conversation', () => {
  for (const f of [yesno, choice, free]) {
    const d = decide(input('JOIN', f));
    expect(d.handledAs).toBe('flow_start');
    expect(d.closed).toEqual([{ id: 'conv1', status: 'interrupted' }]);
  }
});

test('a valid choice answer that is also a keyword, and free text that begins with one, are answers', () => {
  const c = decide(input('Rally', choice));
  expect(c.handledAs).toBe('flow_resume');
  expect(c.answers).toEqual([{ broadcastId: 'b1', stepId: 'q', value: 'rally' }]);
  const t = decide(input('Rally for housing, and JOIN the march', free));
  expect(t.handledAs).toBe('flow_resume');
  expect(t.answers).toEqual([{ broadcastId: 'b1', stepId: 'q', value: 'Rally for housing, and JOIN the march' }]);
  // Not a valid answer: the keyword wins.
  expect(decide(input('rally tonight', yesno)).handledAs).toBe('flow_start');
});

test('an expired broadcast conversation, or one whose flow cannot be read, is closed and the text is not an answer', () => {
  const later = { now: new Date('2026-11-23T00:00:00Z') };
  const expired = decide(input('no', yesno, later));
  expect(expired.closed).toEqual([{ id: 'conv1', status: 'expired' }]);
  expect(expired.answers).toEqual([]);
  expect(expired.handledAs).toBe('default');
  // An expired question is not open: YES is the opt-in word again.
  expect(decide(input('yes', yesno, later))).toMatchObject({ handledAs: 'opt_in', answers: [] });
  const broken = decide(input('no', null));
  expect(broken.closed).toEqual([{ id: 'conv1', status: 'interrupted' }]);
  expect(broken.answers).toEqual([]);
});
