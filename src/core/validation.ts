/**
 * How every parser reports bad input: a list of `path: message` problems. Shared by the domain
 * parsers (flows, campaigns, audiences) and the adapters that turn them into 400 answers.
 */
import type { z } from 'zod';

export interface FieldProblem {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** zod issues as "steps.1.prompt: must not be empty" pairs. */
export function zodProblems(error: z.ZodError, prefix: (string | number)[] = []): FieldProblem[] {
  return error.issues.map((i) => ({ path: [...prefix, ...i.path].map(String).join('.'), message: i.message }));
}
