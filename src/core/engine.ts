/**
 * The flow engine: pure functions from (flow, state, answer) to (new state, effects).
 * It never touches storage; the caller persists the state and carries out the effects.
 */
import type { Flow, Step } from './flow';
import { renderTemplateBy, type MergeValues } from './template';
import { ownValue } from './own';
import {
  isSkip, validateChoice, validateZip, validateEmail, validateMoney, validateName, validateText, validateYesNo, validateDate,
  type Validation,
} from './validators';
import { formatCents } from './money';
import { defaultDestination, destinationOf, type Destination } from './flow-routes';
import { textIn, type Lang, type Localized } from './language';

export type Captured = Record<string, string | number | boolean>;

export interface FlowState {
  stepIndex: number;
  /** Invalid answers given to the current step. */
  attempts: number;
  captured: Captured;
}

export type FlowEffect =
  | { type: 'reply'; body: string }
  | { type: 'capture'; field: string; value: string | number | boolean }
  | { type: 'pledge'; amountCents: number; frequency: 'monthly' | 'once' }
  | { type: 'completed'; reason: 'finished' | 'gave_up' };

export interface FlowOutcome {
  status: 'waiting' | 'completed';
  state: FlowState;
  effects: FlowEffect[];
}

/**
 * One merge field of a flow message: the step's money bounds ({{min}}, {{max}}) over the answers
 * captured so far (a pledge as money) over the caller's values. Computed only for the fields a
 * message names: building an object of all of them for every message (a spread of the caller's
 * eight values and every answer so far) was most of a message's cost (docs/performance.md,
 * session 24; test/core/flow-merge-fields.test.ts holds that object's recipe as the reference).
 */
export function mergeField(flow: Flow, state: FlowState, vars: MergeValues, name: string): string | number | null | undefined {
  if (name === 'min' || name === 'max') {
    const v = flow.steps[state.stepIndex]?.validate;
    if (v?.type === 'money') return formatCents(name === 'min' ? v.minCents : v.maxCents);
  }
  const captured = state.captured;
  // `__proto__` was never a field: assigning it to an object of values sets nothing.
  if (name !== '__proto__' && Object.hasOwn(captured, name)) {
    const v = captured[name]!;
    return name === 'pledge' && typeof v === 'number' ? formatCents(v) : String(v);
  }
  return ownValue(vars, name);
}

/**
 * The language messages are said in, and the campaign default a missing translation falls back to
 * (a flow stored before the campaign listed the language). Absent: the message's first language.
 */
export interface FlowLanguage {
  lang: Lang;
  fallback: Lang;
}

function say(flow: Flow, state: FlowState, vars: MergeValues, template: Localized, language: FlowLanguage | undefined): FlowEffect {
  const text = language ? textIn(template, language.lang, language.fallback) : textIn(template, 'en');
  return { type: 'reply', body: renderTemplateBy(text, (name) => mergeField(flow, state, vars, name)) };
}

/** The waiting step's question again, in `language` (the language switch re-sends it). */
export function currentPrompt(flow: Flow, state: FlowState, vars: MergeValues, language: FlowLanguage): string | null {
  const step = flow.steps[state.stepIndex];
  if (!step) return null;
  return (say(flow, state, vars, step.prompt, language) as { type: 'reply'; body: string }).body;
}

/** The step's validator on one answer (the router asks whether a text answers the waiting step). */
export function validateAnswer(step: Step, text: string): Validation<string | number | boolean> {
  const v = step.validate;
  switch (v.type) {
    case 'name': return validateName(text);
    case 'zip': return validateZip(text);
    case 'email': return validateEmail(text);
    case 'money': return validateMoney(text, v.minCents, v.maxCents);
    case 'yesno': return validateYesNo(text);
    case 'choice': return validateChoice(text, v.options);
    case 'text': return validateText(text, v.maxLength);
    case 'date': return validateDate(text);
  }
}

/**
 * Move on from the current step to `to` (default: the step's default route — its `next`, the
 * following step, or the end): the next prompt, or the closing message.
 */
function advance(
  flow: Flow, state: FlowState, vars: MergeValues, effects: FlowEffect[], language: FlowLanguage | undefined, intro?: string,
  to: Destination = state.stepIndex < 0 ? { kind: 'step', index: 0 } : defaultDestination(flow.steps, state.stepIndex),
): FlowOutcome {
  const prefix = intro ? `${intro}\n\n` : '';
  const step = to.kind === 'step' ? flow.steps[to.index] : undefined;
  if (to.kind === 'end' || !step) {
    const next: FlowState = { stepIndex: flow.steps.length, attempts: 0, captured: state.captured };
    const done = say(flow, next, vars, (to.kind === 'end' ? to.message : null) ?? flow.completion, language) as { type: 'reply'; body: string };
    effects.push({ type: 'reply', body: prefix + done.body }, { type: 'completed', reason: 'finished' });
    return { status: 'completed', state: next, effects };
  }
  const next: FlowState = { stepIndex: to.index, attempts: 0, captured: state.captured };
  const prompt = say(flow, next, vars, step.prompt, language) as { type: 'reply'; body: string };
  effects.push({ type: 'reply', body: prefix + prompt.body });
  return { status: 'waiting', state: next, effects };
}

/**
 * Start a flow. `intro` (the opt-in confirmation) is sent in the same message as the first
 * prompt so the two can never arrive out of order on the handset.
 */
export function startFlow(flow: Flow, vars: MergeValues, intro?: string, language?: FlowLanguage): FlowOutcome {
  return advance(flow, { stepIndex: -1, attempts: 0, captured: {} }, vars, [], language, intro);
}

/** Resume a waiting flow with the contact's answer. */
export function resumeFlow(flow: Flow, state: FlowState, text: string, vars: MergeValues, language?: FlowLanguage): FlowOutcome {
  const step = flow.steps[state.stepIndex];
  // The flow was edited under a waiting conversation and this step no longer exists: finish politely.
  if (!step) return advance(flow, state, vars, [], language, undefined, { kind: 'end', message: null });

  const choiceLike = step.validate.type === 'yesno' || step.validate.type === 'choice';
  if (step.skippable && !choiceLike && isSkip(text)) return advance(flow, state, vars, [], language);

  const result = validateAnswer(step, text);
  if (result.ok) {
    // Copied, then set: `{ ...captured, [key]: value }` makes a new hidden class per answer.
    const captured: Captured = Object.assign({}, state.captured);
    captured[step.capture] = result.value;
    const effects: FlowEffect[] = [{ type: 'capture', field: step.capture, value: result.value }];
    if (step.validate.type === 'money' && typeof result.value === 'number') {
      effects.push({ type: 'pledge', amountCents: result.value, frequency: step.validate.frequency });
    }
    return advance(flow, { stepIndex: state.stepIndex, attempts: state.attempts, captured }, vars, effects, language, undefined, destinationOf(flow.steps, state.stepIndex, result.value));
  }
  if (step.skippable && isSkip(text)) return advance(flow, state, vars, [], language);

  const attempts = state.attempts + 1;
  if (attempts >= flow.maxAttempts) {
    if (step.onGiveUp === 'next') return advance(flow, state, vars, [], language);
    const bye = say(flow, state, vars, flow.giveUp, language);
    return { status: 'completed', state: { stepIndex: state.stepIndex, attempts, captured: state.captured }, effects: [bye, { type: 'completed', reason: 'gave_up' }] };
  }
  const template = result.reason === 'out_of_range' && step.outOfRange ? step.outOfRange : step.reprompt;
  return { status: 'waiting', state: { stepIndex: state.stepIndex, attempts, captured: state.captured }, effects: [say(flow, state, vars, template, language)] };
}
