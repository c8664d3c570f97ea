/**
 * The precedence table is a decision, written once (src/core/inbound.ts RULES, mirrored in
 * docs/conversation.md). This pins its order so that changing which meaning of a text wins is a
 * visible, reviewed change, never a side effect of adding a feature.
 */
import { RULES } from '../../src/core/inbound';

test('the router tries its rules in the documented order', () => {
  expect(RULES.map((r) => r.name)).toEqual([
    'carrier_opt_out',
    'compliance_words',
    'language_switch',
    'keyword',
    'live_votes',
    'opted_out_ignored',
    'idea_commands',
    'reminder_commands',
    'referral_commands',
    'waiting_conversation',
    'inbox_item',
    'join_instructions',
  ]);
});

