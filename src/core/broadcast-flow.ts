/**
 * A broadcast that asks: its flow is a campaign flow (same steps, validators, branches and
 * checks) whose first step's prompt is the broadcast text, so that prompt takes the broadcast's
 * merge fields and must fit in one text with the footer. Problems come back at `flow.…` paths.
 */
import { BROADCAST_FIELDS, composeBody, MAX_BODY_CHARS } from './broadcast-template';
import { makeFlowSchema, type Flow } from './flow';
import { renderTemplate } from './template';
import { zodProblems, type ParseResult } from './validation';
import { flowMessages } from './flow-messages';
import { isTranslated, textIn } from './language';

export const broadcastFlowSchema = makeFlowSchema({ firstPromptFields: BROADCAST_FIELDS, minSteps: 1 });

/** Validate a broadcast's flow; `footer` is appended to the first prompt when it is sent. */
export function parseBroadcastFlow(input: unknown, footer: string | null): ParseResult<Flow> {
  const r = broadcastFlowSchema.safeParse(input);
  if (!r.success) return { ok: false, problems: zodProblems(r.error, ['flow']) };
  // A broadcast's question is asked in one language (its messages are plain strings).
  const translated = flowMessages(r.data).filter((m) => isTranslated(m.message));
  if (translated.length > 0) {
    return { ok: false, problems: translated.map((m) => ({ path: ['flow', ...m.path].join('.'), message: "a broadcast's question is in one language: give a plain string" })) };
  }
  const first = r.data.steps[0]!;
  if ([...composeBody(renderTemplate(textIn(first.prompt, 'en'), {}), footer)].length > MAX_BODY_CHARS) {
    return {
      ok: false,
      problems: [{ path: 'flow.steps.0.prompt', message: `is longer than ${MAX_BODY_CHARS} characters with the footer (Twilio refuses it)` }],
    };
  }
  return { ok: true, value: r.data };
}
