/**
 * Supporter command at the "commands" slot of the router (docs/conversation.md): PAUSE or SKIP,
 * alone, pauses the supporter's follow-up reminders for a month without opting out. It yields to
 * a valid answer to the supporter's own waiting question (SKIP on a skippable step skips the
 * step), and an opted-out number never reaches it (opted_out_ignored is above). From a number we
 * do not know it is not a command (how to join answers it).
 */
import type { InboundOutcome } from '../inbound-events';
import type { RouteContext, RouteRule } from '../inbound';
import { addMonths } from '../sequences';

/** Words this rule claims: a keyword may not be one of them (campaign.ts refuses it). */
export const REMINDER_COMMAND_WORDS: ReadonlySet<string> = new Set(['PAUSE', 'SKIP']);

function commandWord(text: string): string | null {
  const w = text.trim().replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '').toUpperCase();
  return REMINDER_COMMAND_WORDS.has(w) ? w : null;
}

export function pausedUntilText(until: Date): string {
  return until.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export function createReminderCommands(yieldToAnswer: (ctx: RouteContext) => boolean): RouteRule {
  return {
    name: 'reminder_commands',
    decide(ctx) {
      const { input, contact, closed } = ctx;
      if (!contact.known || contact.status === 'opted_out') return null;
      const word = commandWord(input.text);
      if (!word || yieldToAnswer(ctx)) return null;
      const until = addMonths(input.now, 1);
      const speaker = input.senderCampaign;
      const o: InboundOutcome = { handledAs: 'reminders_paused', campaignId: speaker.id, events: [] };
      o.events.push(...closed);
      o.events.push({ type: 'reminders_paused', until: until.toISOString() });
      o.events.push({
        type: 'reply', purpose: 'reply',
        body: `${speaker.programName}: Reminders paused until ${pausedUntilText(until)}. You're still subscribed. Reply STOP to opt out.`,
      });
      return o;
    },
  };
}
