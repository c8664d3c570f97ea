/**
 * Configuration: zod over process.env, parsed once at start-up into a frozen object.
 * A wrong value stops start-up with the names of every bad variable.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

export const LOCAL_AUTH_TOKEN = 'local-mode-auth-token-not-secret';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'));

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max} (got "${v}")` });
        return z.NEVER;
      }
      return n;
    });

/** Express's `trust proxy` setting: off, every hop, a hop count, or the addresses of the proxies. */
export type TrustProxy = boolean | number | readonly string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** One entry of a TRUST_PROXY list: loopback | linklocal | uniquelocal | an IP | an IP/prefix (CIDR). */
function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [ip, prefix, ...rest] = entry.split('/');
  const family = isIP(ip ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const trustProxy = z
  .string()
  .optional()
  .transform((v, ctx): TrustProxy => {
    const text = (v ?? '').trim().toLowerCase();
    if (text === '' || text === 'false') return false;
    if (text === 'true') return true;
    if (/^\d+$/.test(text) && Number(text) <= 32) return Number(text);
    const list = text.split(',').map((e) => e.trim()).filter(Boolean);
    const bad = list.filter((e) => !isProxyAddress(e));
    if (list.length === 0 || bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be false, true, a hop count from 0 to 32, or a comma-separated list of proxy addresses or CIDRs such as "loopback, 10.0.0.0/8"${bad.length ? ` (not understood: ${bad.join(', ')})` : ''}`,
      });
      return z.NEVER;
    }
    return Object.freeze(list);
  });

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).optional().default('development'),
    PORT: int(3000, 0, 65535),
    HOST: optionalText,
    DATABASE_URL: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === '' ? 'sqlite:./data/rallytext.db' : v.trim()))
      .refine((v) => /^sqlite:/.test(v) || /^postgres(ql)?:\/\//.test(v), 'must start with sqlite: or postgres://'),
    PUBLIC_BASE_URL: optionalText.pipe(
      z
        .url({ protocol: /^https?$/, message: 'must be an http(s) URL like https://sms.example.org' })
        .transform((u) => u.replace(/\/+$/, ''))
        .optional(),
    ),
    TWILIO_ACCOUNT_SID: optionalText.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').optional()),
    TWILIO_AUTH_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    TWILIO_API_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional()),
    TWILIO_MESSAGING_SERVICE_SID: optionalText.pipe(z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must look like MG followed by 32 hex digits').optional()),
    ADMIN_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    VOLUNTEER_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    SEND_RATE_MPS: int(100, 1, 10_000),
    QUIET_HOURS: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === '' ? '08:00-21:00' : v.trim().toLowerCase()))
      .refine((v) => v === 'off' || /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/.test(v), 'must be HH:MM-HH:MM (e.g. 08:00-21:00) or off'),
    /** Footer appended to broadcasts that ask for it (the default). It must mention STOP: carriers expect opt-out instructions. */
    BROADCAST_FOOTER: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === '' ? 'Reply STOP to opt out' : v.trim()))
      .refine((v) => v.length <= 60, 'must be at most 60 characters')
      .refine((v) => /\bSTOP\b/.test(v), 'must tell people to reply STOP (e.g. "Reply STOP to opt out")'),
    /** How long one Twilio API request may take before its outcome is treated as unknown. */
    TWILIO_TIMEOUT_MS: int(15_000, 100, 120_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
    SEED_DEMO: bool(true),
    /** Per-number inbound limit (token bucket, core/flood.ts): texts per minute a number may send before it is throttled. */
    INBOUND_PER_NUMBER_PER_MINUTE: int(20, 1, 10_000),
    /** Which reverse proxies' X-Forwarded-For to believe, so req.ip is the real client (express's `trust proxy`). */
    TRUST_PROXY: trustProxy,
    /** HTTP Basic credentials the payment processor's webhook (POST /webhooks/donations) must present; unset: the webhook is off. */
    DONATIONS_WEBHOOK_USER: optionalText.pipe(z.string().min(1).max(200).optional()),
    DONATIONS_WEBHOOK_PASSWORD: optionalText.pipe(z.string().min(12, 'must be at least 12 characters').max(200).optional()),
    /** Or (and) an HMAC-SHA256 secret: the sender signs the raw body, `X-Signature: sha256=<hex>`. */
    DONATIONS_WEBHOOK_SECRET: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').max(500).optional()),
  })
  .superRefine((env, ctx) => {
    if (env.TWILIO_AUTH_TOKEN && !env.PUBLIC_BASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_BASE_URL'], message: 'is required when TWILIO_AUTH_TOKEN is set (signatures are checked against it)' });
    }
    if (env.TWILIO_AUTH_TOKEN && !env.TWILIO_ACCOUNT_SID) {
      ctx.addIssue({ code: 'custom', path: ['TWILIO_ACCOUNT_SID'], message: 'is required when TWILIO_AUTH_TOKEN is set' });
    }
    if (env.TWILIO_ACCOUNT_SID && !env.TWILIO_AUTH_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['TWILIO_AUTH_TOKEN'], message: 'is required when TWILIO_ACCOUNT_SID is set' });
    }
    if (env.TWILIO_AUTH_TOKEN && !env.ADMIN_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_TOKEN'], message: 'is required when Twilio credentials are set' });
    }
    if (!!env.DONATIONS_WEBHOOK_USER !== !!env.DONATIONS_WEBHOOK_PASSWORD) {
      const missing = env.DONATIONS_WEBHOOK_USER ? 'DONATIONS_WEBHOOK_PASSWORD' : 'DONATIONS_WEBHOOK_USER';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'is required when the other DONATIONS_WEBHOOK_ variable is set' });
    }
    if (env.ADMIN_TOKEN && env.VOLUNTEER_TOKEN && env.ADMIN_TOKEN === env.VOLUNTEER_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['VOLUNTEER_TOKEN'], message: 'must differ from ADMIN_TOKEN' });
    }
  });

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** No Twilio credentials: nothing goes to Twilio; texts are recorded in the outbox and logged. */
  readonly localMode: boolean;
  readonly publicBaseUrl: string;
  readonly twilio: {
    readonly accountSid: string;
    readonly authToken: string;
    readonly apiBaseUrl: string | undefined;
    readonly messagingServiceSid: string | undefined;
  };
  readonly adminToken: string | undefined;
  readonly volunteerToken: string | undefined;
  readonly sendRateMps: number;
  readonly quietHours: { start: string; end: string } | null;
  readonly broadcastFooter: string;
  readonly twilioTimeoutMs: number;
  readonly logLevel: string;
  readonly seedDemo: boolean;
  readonly inboundPerNumberPerMinute: number;
  /** express `trust proxy`: false (default: the socket's address is the client), true, a hop count, or proxy addresses. */
  readonly trustProxy: TrustProxy;
  /** HTTP Basic credentials of POST /webhooks/donations; null: the webhook answers 503. */
  readonly donationsWebhook: { readonly user: string; readonly password: string } | null;
  /** HMAC-SHA256 secret of POST /webhooks/donations (`X-Signature: sha256=<hex>` over the raw body); null: not accepted. */
  readonly donationsWebhookSecret: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    throw new ConfigError(r.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(env)'), message: i.message })));
  }
  const e = r.data;
  const localMode = !e.TWILIO_AUTH_TOKEN;
  const port = e.PORT;
  const [start, end] = e.QUIET_HOURS === 'off' ? [] : e.QUIET_HOURS.split('-');
  return Object.freeze({
    env: e.NODE_ENV,
    port,
    // Local mode verifies webhooks with a well-known token, so it listens on loopback unless told otherwise.
    host: e.HOST ?? (localMode ? '127.0.0.1' : '0.0.0.0'),
    databaseUrl: e.DATABASE_URL,
    localMode,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
    twilio: Object.freeze({
      accountSid: e.TWILIO_ACCOUNT_SID ?? `AC${'0'.repeat(32)}`,
      authToken: e.TWILIO_AUTH_TOKEN ?? LOCAL_AUTH_TOKEN,
      apiBaseUrl: e.TWILIO_API_BASE_URL,
      messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
    }),
    adminToken: e.ADMIN_TOKEN,
    volunteerToken: e.VOLUNTEER_TOKEN,
    sendRateMps: e.SEND_RATE_MPS,
    quietHours: start && end ? Object.freeze({ start, end }) : null,
    broadcastFooter: e.BROADCAST_FOOTER,
    twilioTimeoutMs: e.TWILIO_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    seedDemo: e.SEED_DEMO,
    inboundPerNumberPerMinute: e.INBOUND_PER_NUMBER_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    donationsWebhook:
      e.DONATIONS_WEBHOOK_USER && e.DONATIONS_WEBHOOK_PASSWORD
        ? Object.freeze({ user: e.DONATIONS_WEBHOOK_USER, password: e.DONATIONS_WEBHOOK_PASSWORD })
        : null,
    donationsWebhookSecret: e.DONATIONS_WEBHOOK_SECRET ?? null,
  });
}

/**
 * Reads ./.env (if present) into process.env. Variables already set in the environment win,
 * so a process manager's settings are never overridden by a stale file.
 */
export function readEnvFile(file = '.env'): boolean {
  try {
    process.loadEnvFile(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ConfigError([{ variable: file, message: `cannot be read: ${(err as Error).message}` }]);
  }
}
