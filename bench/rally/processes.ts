/**
 * Child processes for the benchmark: the real gateway (node dist/main.js) and the bare express
 * baseline, each on a loopback port, with peak RSS read from /proc/<pid>/status (VmHWM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export interface Server {
  name: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Peak resident set size so far, in MB (VmHWM), or NaN where /proc is unavailable. */
  peakRssMb(): number;
  /** CPU time (user + system) the process has used so far, in ms. */
  cpuMs(): number;
  /** CPU time of the main thread alone (the event loop every request waits on), in ms. */
  mainThreadCpuMs(): number;
  /** SIGTERM and wait: resolves to the exit code (the gateway drains in-flight requests first). */
  stop(): Promise<number | null>;
  /** The tail of what the process wrote to stdout and stderr. */
  stderr(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** utime + stime from /proc/<pid>/stat, in ms (clock ticks are 10 ms on Linux). */
export function cpuMs(pid: number, tid?: number): number {
  try {
    const stat = fs.readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

async function waitForHttp(port: number, pathname: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000; // a cold start on a loaded box (PostgreSQL: migrations and the seed first)
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before listening:\n${stderr()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}${pathname}`);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not answer ${pathname} within 60 s:\n${stderr()}`);
}

function inherited(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'NODE_OPTIONS', 'NODE_PRESERVE_SYMLINKS'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
}

export async function startServer(
  name: string, script: string, env: NodeJS.ProcessEnv, options: { nodeArgs?: string[]; readyPath: string },
): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], {
    // Outside the checkout, so a developer's own .env can never leak into a measured run.
    cwd: os.tmpdir(),
    // Only what node itself needs is inherited: the caller's own DATABASE_URL, LOG_LEVEL or
    // INBOUND_* must not leak into a measured run.
    env: { ...inherited(), ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The gateway logs JSON to stdout (warnings and errors only, at LOG_LEVEL=warn): keep the tail of both.
  let err = '';
  const keep = (d: Buffer) => {
    err = (err + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitForHttp(port, options.readyPath, child, () => err);
  return {
    name, port, pid: child.pid!, child,
    peakRssMb: () => peakRssMb(child.pid!),
    cpuMs: () => cpuMs(child.pid!),
    mainThreadCpuMs: () => cpuMs(child.pid!, child.pid!),
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
