/** Run the built gateway (dist/) as a real child process, for start-up, CLI and drill tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { spawnGateway, waitUntilHealthy } from './gateway-process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');
export const MAIN = path.join(ROOT, 'dist', 'main.js');
export const CLI = path.join(ROOT, 'dist', 'cli', 'index.js');
/** Children run outside the checkout so a developer's own .env never leaks into a test. */
export const CHILD_CWD = os.tmpdir();

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run a node script to completion (bounded by timeoutMs). */
export function runNode(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000, cwd = CHILD_CWD): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { PATH: process.env.PATH, ...env }, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${script} ${args.join(' ')}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface Gateway {
  child: ChildProcess;
  port: number;
  url: string;
  /** Everything the process wrote so far (stdout and stderr). */
  output: () => string;
  /** Signals the process (if still running) and resolves with how it exited and all it wrote. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

/**
 * Start dist/main.js on a free loopback port (or env.PORT) and wait until /healthz answers;
 * the same child process the drills use (gateway-process.ts), with only the env given here.
 */
export async function startGateway(env: NodeJS.ProcessEnv, timeoutMs = 15_000): Promise<Gateway> {
  const definedEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const gw = spawnGateway(definedEnv, env.PORT ? Number(env.PORT) : await freePort());
  await waitUntilHealthy(gw, timeoutMs);
  return {
    child: gw.child, port: gw.port, url: gw.baseUrl, output: gw.output,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      gw.kill(signal);
      const exited = await gw.exited;
      return { ...exited, output: gw.output() };
    },
  };
}
