/**
 * The built-in English system texts (issue 16): the templates every campaign's compliance and
 * system replies are generated from, with the campaign's settings as merge fields ({{program}},
 * {{frequency}}, {{support}}, {{keyword}}, {{sender}}). The keys here are the list of system
 * texts: every other language file (es.ts) must give each one (a missing one is a type error), and
 * an organizer may override any of them per language (campaign `texts`). A feature that adds a
 * text adds its key here and in es.ts, and sends it through `systemText` (src/core/system-texts.ts).
 */
export const EN = {
  /** The opt-in confirmation: program, frequency, rates, HELP and STOP (CTIA). */
  optIn: '{{program}}: Thanks for joining! {{frequency}}. Msg & data rates may apply. Reply HELP for help, STOP to cancel.',
  /** START / UNSTOP / YES from a number: the same confirmation, re-subscribed. */
  start: '{{program}}: Thanks for joining! {{frequency}}. Msg & data rates may apply. Reply HELP for help, STOP to cancel.',
  /** The HELP reply: program, where to get help, frequency, rates, STOP. */
  help: '{{program}}: Help at {{support}}. {{frequency}}. Msg & data rates may apply. Reply STOP to cancel.',
  /** The one STOP confirmation: names the program, says no more messages, no marketing. */
  stop: "{{program}}: You're unsubscribed and will get no more messages. Reply START to resubscribe.",
  /** A number we have never seen, texting something we do not understand: how to join. */
  defaultReply: '{{program}}: Text {{keyword}} to {{sender}} to join. Reply HELP for help, STOP to cancel.',
  /** The inbox's auto-reply to a text nothing claimed (at most once a day per number). */
  autoReply: '{{program}}: Thanks for your message! A person from our team will read it and reply. Reply HELP for help, STOP to cancel.',
  /** The answer to ENGLISH (the language switch); the waiting question follows it. */
  switched: "{{program}}: OK, we'll text you in English.",
  /** PAGE (issue 13): the supporter's own page; {{page_link}} is its address. */
  page: '{{program}}: Your page: {{page_link}} Share it with friends. Reply GOAL 10 to set a goal.',
  /** GOAL n: the goal is set; {{goal}} friends. */
  goalSet: '{{program}}: Your goal is {{goal}} friends. See it rise: reply PAGE.',
  /** GOAL with no number, or an absurd one: the precise re-prompt. */
  goalHow: '{{program}}: Reply GOAL and a number of friends from 1 to 1000, like GOAL 10.',
  /** SHOW: named on the live leaderboard. */
  shown: "{{program}}: Thanks! Your first name and last initial may appear on the rally's leaderboard. Reply STOP to opt out.",
  /** After completion, once, when the campaign asks it (askShow). */
  showQuestion: "{{program}}: Want your name on tonight's leaderboard of recruiters? Reply SHOW.",
  /** To a recruiter when a friend completes (recruiterNotice; at most once a day); {{count}} friends so far. */
  friendJoined: "{{program}}: Your friend joined! That's {{count}} so far. Reply STOP to opt out.",
};

export type TextKey = keyof typeof EN;

/** The campaign's frequency as written ("Up to 6 msgs/mo") is English already. */
export function frequencyEn(frequency: string): string {
  return frequency;
}
