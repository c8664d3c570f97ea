/**
 * Branching flows: where a conversation goes after a step, and the checks that make a branching
 * flow safe to run — every target exists, every branch names an answer the step can give, and
 * every step can still reach an end (a loop is fine only if some answer leads out of it). One
 * module for the engine and the validator, so what is checked is exactly what runs. Pure.
 */
import type { Localized } from './language';
/** A route: another step, or the end with a closing message. */
export interface Route {
  goto?: string | undefined;
  end?: Localized | undefined;
}

/** What routing needs of a step (structurally a flow Step). */
export interface RoutedStep {
  id: string;
  validate: { type: string; options?: readonly { value: string }[] };
  skippable?: boolean;
  branches?: readonly (Route & { when: string })[] | undefined;
  next?: Route | undefined;
}

/** Where to go: a step by index, or the end (`message` null: the flow's own completion message). */
export type Destination = { kind: 'step'; index: number } | { kind: 'end'; message: Localized | null };

/** An answer as branches and counts name it: yes/no answers are "yes" and "no". */
export function answerKey(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function resolve(steps: readonly RoutedStep[], route: Route): Destination {
  if (route.goto !== undefined) {
    const index = steps.findIndex((s) => s.id === route.goto);
    // A target that vanished (the flow was edited under a waiting conversation) ends politely.
    return index >= 0 ? { kind: 'step', index } : { kind: 'end', message: null };
  }
  return { kind: 'end', message: route.end ?? null };
}

/** The default route of step `index`: its `next`, else the following step, else the end. */
export function defaultDestination(steps: readonly RoutedStep[], index: number): Destination {
  const next = steps[index]?.next;
  if (next) return resolve(steps, next);
  return index + 1 < steps.length ? { kind: 'step', index: index + 1 } : { kind: 'end', message: null };
}

/** Where step `index` leads after `answer` (null: skipped or given up: the default route). */
export function destinationOf(steps: readonly RoutedStep[], index: number, answer: string | number | boolean | null): Destination {
  const step = steps[index];
  if (step && answer !== null) {
    const key = answerKey(answer);
    const branch = step.branches?.find((b) => same(b.when, key));
    if (branch) return resolve(steps, branch);
  }
  return defaultDestination(steps, index);
}

/** The answers a step can give, when they are a closed set (yes/no, choice); null for open answers. */
function closedAnswers(step: RoutedStep): string[] | null {
  if (step.validate.type === 'yesno') return ['yes', 'no'];
  if (step.validate.type === 'choice') return (step.validate.options ?? []).map((o) => o.value);
  return null;
}

type Path = (string | number)[];
export interface RouteProblem {
  path: Path;
  message: string;
}

/** Problems with a flow's branches and routes, each at its own path (`steps.2.branches.0.goto`). */
export function routeProblems(steps: readonly RoutedStep[]): RouteProblem[] {
  const problems: RouteProblem[] = [];
  const ids = steps.map((s) => s.id);
  const checkRoute = (r: Route, path: Path) => {
    if ((r.goto === undefined) === (r.end === undefined)) {
      problems.push({ path, message: 'give either goto (a step id) or end (a closing message)' });
    } else if (r.goto !== undefined && !ids.includes(r.goto)) {
      problems.push({ path: [...path, 'goto'], message: `no step has the id "${r.goto}"; the steps are ${ids.join(', ') || '(none)'}` });
    }
  };
  steps.forEach((step, i) => {
    const answers = closedAnswers(step);
    const seen = new Set<string>();
    step.branches?.forEach((b, j) => {
      const path: Path = ['steps', i, 'branches', j];
      if (answers === null) {
        problems.push({ path: [...path, 'when'], message: 'only yes/no and choice steps can branch by answer; use next to route every answer' });
      } else if (!answers.some((a) => same(a, b.when))) {
        problems.push({ path: [...path, 'when'], message: `"${b.when}" is not an answer to this step; answers: ${answers.join(', ')}` });
      } else if (seen.has(b.when.trim().toLowerCase())) {
        problems.push({ path: [...path, 'when'], message: `"${b.when}" has an earlier branch` });
      }
      seen.add(b.when.trim().toLowerCase());
      checkRoute(b, path);
    });
    if (step.next) checkRoute(step.next, ['steps', i, 'next']);
  });
  if (problems.length > 0) return problems;
  return loopProblems(steps);
}

/** Where answering step i can lead (giving up is not a way out: nobody should have to fail to leave). */
function answerTargets(steps: readonly RoutedStep[], i: number): Destination[] {
  const step = steps[i]!;
  const out: Destination[] = (step.branches ?? []).map((b) => resolve(steps, b));
  const answers = closedAnswers(step);
  const covered = answers !== null && answers.every((a) => (step.branches ?? []).some((b) => same(b.when, a)));
  if (!covered || step.skippable) out.push(defaultDestination(steps, i));
  return out;
}

/** Steps from which no sequence of answers reaches an end: a loop without a way out. */
function loopProblems(steps: readonly RoutedStep[]): RouteProblem[] {
  const targets = steps.map((_, i) => answerTargets(steps, i));
  const canEnd = steps.map(() => false);
  for (let changed = true; changed; ) {
    changed = false;
    targets.forEach((ts, i) => {
      if (!canEnd[i] && ts.some((d) => d.kind === 'end' || canEnd[d.index])) {
        canEnd[i] = true;
        changed = true;
      }
    });
  }
  const problems: RouteProblem[] = [];
  steps.forEach((step, i) => {
    if (canEnd[i]) return;
    // Follow the first route until a step repeats: that is the loop to name.
    const trail: number[] = [];
    let at = i;
    while (!trail.includes(at)) {
      trail.push(at);
      const d = targets[at]![0];
      if (!d || d.kind !== 'step') break;
      at = d.index;
    }
    const loop = [...trail.slice(trail.indexOf(at)), at].map((k) => steps[k]!.id).join(' → ');
    problems.push({
      path: ['steps', i],
      message: `step "${step.id}" can never reach an end: its answers lead around ${loop} with no way out; add a branch or next that ends or leads out`,
    });
  });
  return problems;
}
