/**
 * Does the text answer the supporter's own waiting question? Rules below the keyword that claim
 * ordinary words (votes, commands) yield to it: the open question is answered first. Its own
 * module (re-exported by inbound.ts) so that rule modules can import it without a cycle.
 */
import { validateAnswer } from './engine';
import type { RouteContext } from './inbound';
import { isSkip } from './validators';

/** True when the live waiting step accepts the text as a valid answer (SKIP on a skippable step included). */
export function answersWaitingStep(ctx: RouteContext, text = ctx.input.text): boolean {
  const step = ctx.waitingStep;
  if (!ctx.conversation || !step) return false;
  if (step.skippable && isSkip(text)) return true;
  return validateAnswer(step, text).ok;
}
