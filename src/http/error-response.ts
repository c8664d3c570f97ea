/**
 * The one mapping from a thrown value to an HTTP error answer (status, headers, JSON body) and
 * its log line. Used by the express error handler and by the front door (Twilio's webhooks), so both answer
 * a bad request identically.
 */
import type { AppContext } from '../wiring/context';
import { toAppError, type ErrorDetail } from '../shared/errors';

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: { error: { code: string; message: string; details: ErrorDetail[] } };
}

export function errorAnswer(ctx: AppContext, err: unknown, method: string, path: string): ErrorAnswer {
  const e = toAppError(err);
  if (e.code === 'internal') ctx.logger.error({ err, method, path }, 'unhandled error');
  else if (e.code === 'unavailable') ctx.logger.error({ err: (err as Error).message, path }, 'database unavailable');
  else ctx.logger.debug({ code: e.code, path, message: e.message }, 'request refused');
  // 503 + Retry-After: Twilio gives up on this webhook and its fallback URL takes over.
  const headers: Record<string, string> = e.code === 'unavailable' ? { 'Retry-After': '5' } : {};
  if (e.retryAfterSeconds !== undefined) headers['Retry-After'] = String(e.retryAfterSeconds);
  return { status: e.status, headers, body: { error: { code: e.code, message: e.message, details: e.details } } };
}
