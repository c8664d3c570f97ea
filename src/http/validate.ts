/** Parse a request body with a zod-based parser; problems become a 400 with their paths. */
import { AppError } from '../shared/errors';
import type { ParseResult } from '../core/validation';

export function parseBody<T>(parse: (input: unknown) => ParseResult<T>, body: unknown): T {
  const r = parse(body);
  if (!r.ok) throw new AppError('validation_failed', 'request body is invalid', r.problems);
  return r.value;
}
