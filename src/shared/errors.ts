/**
 * The closed set of error codes and their HTTP statuses, in one place.
 * Anything thrown that is not an AppError is mapped by `toAppError` (database unavailable,
 * body parser errors) or, failing that, is a real bug and becomes 500 `internal`.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  bad_signature: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Sent as Retry-After (seconds) with a 429 or 503. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/**
 * SQLite result codes that mean "the database cannot take writes right now". ABORT: a group
 * commit whose transaction SQLite rolled back because of another webhook's FULL/IOERR.
 */
const UNAVAILABLE_SQLITE = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|CORRUPT|NOTADB|PROTOCOL|ABORT)/;

/**
 * PostgreSQL (node-postgres) codes with the same meaning: no connection (refused, reset, timed
 * out), connection exceptions (08…), the server shutting down or starting (57P01-57P03), out of
 * connections or resources (53…).
 */
const UNAVAILABLE_POSTGRES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|08...|57P0[123]|53...)$/;

export function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE_SQLITE.test(code)) return true;
  if (typeof code === 'string' && UNAVAILABLE_POSTGRES.test(code)) return true;
  if (err instanceof Error && /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed)/.test(err.message)) return true;
  return err instanceof TypeError && /database connection is not open/.test(err.message);
}

/** Map any thrown value to an AppError. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) return new AppError('unavailable', 'database unavailable, try again shortly');
  // PostgreSQL cannot hold a NUL character in text (SQLite can): such a value matches nothing stored.
  if ((err as { code?: unknown } | null)?.code === '22021') return new AppError('bad_request', 'text must not contain the NUL character (U+0000)');
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string } | null;
  // The router decoding a path parameter ("/live/%ZZ"): a URIError it marks with status 400.
  // A URIError without that mark comes from our own code and stays a bug (500).
  if (err instanceof URIError && e?.status === 400) return new AppError('bad_request', 'malformed percent-escape in the request path');
  // body-parser / raw-body errors carry a `type` and an HTTP status; a failure underneath them
  // (e.g. zlib refusing a body sent as Content-Encoding: deflate that is not) has only the
  // status and http-errors' `expose` flag.
  if (e && (typeof e.type === 'string' || e.expose === true)) {
    if (e.type === 'entity.too.large') return new AppError('payload_too_large', 'request body too large');
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
      return new AppError('unsupported_media_type', e.message ?? 'unsupported encoding');
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return new AppError('bad_request', e.message ?? 'malformed request body');
    }
  }
  return new AppError('internal', 'internal error');
}
