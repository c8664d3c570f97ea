/**
 * The language switch (issue 16), one rule of the router's precedence table (src/core/inbound.ts
 * RULES, right after the compliance words and before the keyword): ESPAÑOL / ESPANOL / SPANISH /
 * ENGLISH, as the whole text, sets the supporter's language and is answered in the new language.
 * The flow stays where it was: the waiting question is asked again in the new language, in the
 * same text. With no question waiting, a number that has not joined also gets how to join.
 * A campaign that does not list the language asked for lets the text through to the other rules.
 * Imports only types from the router, so either module may be loaded first.
 */
import { campaignVars, defaultReply } from '../campaign';
import { currentPrompt } from '../engine';
import { languageSwitch, languagesOf } from '../language';
import { systemText } from '../system-texts';
import type { InboundOutcome, RouteRule } from '../inbound';

export const languageSwitchRule: RouteRule = {
  name: 'language_switch',
  decide({ input, contact, speaker, conversation, conversationFlow, closed }) {
    const to = languageSwitch(input.text);
    if (!to) return null;
    const listed = languagesOf(speaker);
    if (!listed.includes(to)) return null;
    const o: InboundOutcome = { handledAs: 'language', campaignId: speaker.id, events: [] };
    o.events.push(...closed);
    o.events.push({ type: 'language_set', language: to });
    let body = systemText(speaker, 'switched', to);
    if (conversation && conversationFlow) {
      const vars = Object.assign(
        { first_name: contact.firstName, zip: contact.zip, email: contact.email },
        campaignVars(speaker, conversation.keyword, to),
      );
      const state = { stepIndex: conversation.stepIndex, attempts: conversation.attempts, captured: conversation.captured };
      const prompt = currentPrompt(conversationFlow, state, vars, { lang: to, fallback: listed[0]! });
      if (prompt) body += `\n\n${prompt}`;
    } else if (contact.status !== 'subscribed') {
      body += `\n\n${defaultReply(speaker, to)}`;
    }
    o.events.push({ type: 'reply', body, purpose: 'reply' });
    return o;
  },
};
