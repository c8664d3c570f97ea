/**
 * pino JSON logs. Tokens and signatures are redacted; phone numbers are masked
 * (+13125550042 -> +1312***0042) wherever they appear in a logged string.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

const E164 = /\+\d{7,15}/g;

export function maskPhone(phone: string): string {
  if (phone.length <= 8) return phone.replace(/\d(?=\d{2})/g, '*');
  return `${phone.slice(0, 5)}***${phone.slice(-4)}`;
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.includes('+') ? value.replace(E164, maskPhone) : value;
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}

export const REDACT_PATHS = [
  'authToken', '*.authToken', 'token', '*.token', 'adminToken', 'volunteerToken', '*.adminToken', '*.volunteerToken',
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-twilio-signature"]', 'headers.authorization',
  'headers["x-twilio-signature"]', 'password', '*.password',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'rallytext' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { log: (obj) => maskDeep(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? (maskDeep(a) as string) : a)) as Parameters<typeof method>;
          method.apply(this, masked);
        },
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
