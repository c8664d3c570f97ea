/**
 * The real gateway (dist/main.js, built from src/ by the jest global setup) as a child process on a loopback port, for drills that need a
 * process to kill, starve of disk or stop: SIGKILL, SIGTERM, fuzzing that must never crash it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CHILD_CWD, freePort, MAIN } from './child';
import { ACCOUNT_SID, ADMIN_TOKEN, AUTH_TOKEN, PUBLIC_BASE_URL, VOLUNTEER_TOKEN } from './app';

export interface GatewayProcess {
  port: number;
  baseUrl: string;
  child: ChildProcess;
  /** Everything the process wrote (JSON logs on stdout, plain text on stderr). */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

export { freePort };

export function gatewayEnv(dbFile: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: `sqlite:${dbFile}`,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PUBLIC_BASE_URL,
    ADMIN_TOKEN,
    VOLUNTEER_TOKEN,
    QUIET_HOURS: 'off',
    SEED_DEMO: 'true',
    ...overrides,
  };
}

/** Starts the gateway without waiting for it (for start-up failures). */
export function spawnGateway(env: Record<string, string>, port = 0): GatewayProcess {
  // dist/ is built from the current source by the jest global setup before any test runs.
  const child = spawn(process.execPath, [MAIN], {
    cwd: CHILD_CWD,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    port, baseUrl: `http://127.0.0.1:${port}`, child, exited,
    output: () => out,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Resolves once /healthz answers 200; throws (and kills the child) if it exits or times out first. */
export async function waitUntilHealthy(gw: GatewayProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gw.child.exitCode !== null) throw new Error(`gateway exited with ${gw.child.exitCode}:\n${gw.output()}`);
    try {
      const res = await fetch(`${gw.baseUrl}/healthz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      gw.kill('SIGKILL');
      throw new Error(`gateway did not become healthy:\n${gw.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts the gateway and resolves once /healthz answers. */
export async function startGateway(env: Record<string, string>): Promise<GatewayProcess> {
  const gw = spawnGateway(env, await freePort());
  await waitUntilHealthy(gw);
  return gw;
}
