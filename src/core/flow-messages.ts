/**
 * Every organizer-written message of a flow with its path (prompts, re-prompts, out-of-range
 * notes, branch and route endings, completion, give-up): one walk shared by the template check,
 * the translation check (src/core/language.ts) and the console's missing-translation warnings.
 */
import type { Localized } from './language';

interface FlowLike {
  steps: readonly {
    prompt: Localized; reprompt: Localized; outOfRange?: Localized | undefined;
    branches?: readonly { end?: Localized | undefined }[] | undefined; next?: { end?: Localized | undefined } | undefined;
  }[];
  completion: Localized;
  giveUp: Localized;
}

export interface FlowMessage {
  path: (string | number)[];
  message: Localized;
  /** The step it belongs to (-1: the flow's own completion and give-up). */
  step: number;
}

export function flowMessages(flow: FlowLike): FlowMessage[] {
  const out: FlowMessage[] = [];
  const add = (message: Localized | undefined, path: (string | number)[], step: number) => {
    if (message !== undefined) out.push({ path, message, step });
  };
  flow.steps.forEach((s, i) => {
    add(s.prompt, ['steps', i, 'prompt'], i);
    add(s.reprompt, ['steps', i, 'reprompt'], i);
    add(s.outOfRange, ['steps', i, 'outOfRange'], i);
    s.branches?.forEach((b, j) => add(b.end, ['steps', i, 'branches', j, 'end'], i));
    add(s.next?.end, ['steps', i, 'next', 'end'], i);
  });
  add(flow.completion, ['completion'], -1);
  add(flow.giveUp, ['giveUp'], -1);
  return out;
}
