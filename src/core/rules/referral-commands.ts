/**
 * Supporter commands of referrals (issue 13), at the router's commands slot (after the opted-out
 * rule, so an opted-out number never reaches them; before the waiting conversation, yielding to a
 * valid answer to the supporter's own waiting question, answersWaitingStep; subscribed numbers only):
 * `PAGE` answers with the supporter's page (/p/<token>; the store makes the token and fills the
 * slot), `GOAL 10` sets their goal (a non-number or an absurd one gets a precise re-prompt),
 * `SHOW` is their consent to appear as "First L." on the live leaderboard. From a number we do
 * not know they are not commands (how to join answers).
 */
import { languageFor } from '../language';
import type { InboundOutcome } from '../inbound-events';
import type { RouteContext, RouteRule } from '../inbound';
import { answersWaitingStep } from '../answers-waiting';
import { PAGE_TOKEN_SLOT } from '../referrals';
import { systemText } from '../system-texts';
import { keywordForm } from '../text';

/** Words this rule claims: a keyword may not be one of them (campaign.ts refuses it). */
export const REFERRAL_COMMAND_WORDS: ReadonlySet<string> = new Set(['PAGE', 'GOAL', 'SHOW']);

export const MAX_GOAL = 1000;

export type ReferralCommand = { kind: 'page' } | { kind: 'show' } | { kind: 'goal'; goal: number | null };

/** `PAGE`, `SHOW` alone; `GOAL 10` (`goal: null` when what follows is not a whole number from 1 to 1000). */
export function referralCommand(text: string): ReferralCommand | null {
  const words = text.trim().split(/\s+/u);
  const word = keywordForm(words[0] ?? '');
  if (!REFERRAL_COMMAND_WORDS.has(word)) return null;
  const rest = words.slice(1).join(' ').replace(/[\s.!]+$/u, '');
  if (word === 'PAGE' || word === 'SHOW') return rest === '' ? { kind: word === 'PAGE' ? 'page' : 'show' } : null;
  const n = /^\d{1,7}$/.test(rest) ? Number(rest) : NaN;
  return { kind: 'goal', goal: Number.isInteger(n) && n >= 1 && n <= MAX_GOAL ? n : null };
}

export function createReferralCommands(yieldToAnswer: (ctx: RouteContext) => boolean): RouteRule {
  return {
    name: 'referral_commands',
    decide(ctx) {
      const { input, contact, closed, speaker } = ctx;
      // A number that never joined (pending) has no page to ask for: how to join answers it.
      if (!contact.known || contact.status !== 'subscribed') return null;
      const cmd = referralCommand(input.text);
      if (!cmd || yieldToAnswer(ctx)) return null;
      const lang = languageFor(contact.language, speaker);
      const o: InboundOutcome = { handledAs: 'referral_command', campaignId: speaker.id, events: [...closed] };
      const reply = (body: string) => o.events.push({ type: 'reply', body, purpose: 'reply' });
      if (cmd.kind === 'page') {
        o.events.push({ type: 'page_requested', campaignId: speaker.id });
        reply(systemText(speaker, 'page', lang, { page_link: `${input.linkBase ?? ''}/p/${PAGE_TOKEN_SLOT}` }));
      } else if (cmd.kind === 'show') {
        o.events.push({ type: 'show_consented', campaignId: speaker.id });
        reply(systemText(speaker, 'shown', lang));
      } else if (cmd.goal === null) {
        reply(systemText(speaker, 'goalHow', lang));
      } else {
        o.events.push({ type: 'goal_set', campaignId: speaker.id, goal: cmd.goal });
        reply(systemText(speaker, 'goalSet', lang, { goal: String(cmd.goal) }));
      }
      return o;
    },
  };
}
