/**
 * Leases: a dispatcher marks the work it has in flight with its owner id and an expiry. Another
 * dispatcher may take over a row when the lease has expired, or at once when the owner is a
 * process on this same host that no longer exists (killed, crashed): that is how a restarted
 * gateway resumes a broadcast by itself without waiting for leases to run out.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';

export function newOwnerId(pid = process.pid, host = os.hostname()): string {
  return `${host}/${pid}/${randomBytes(4).toString('hex')}`;
}

export interface OwnerParts {
  host: string;
  pid: number;
}

export function parseOwner(owner: string): OwnerParts | null {
  const m = /^(.*)\/(\d+)\/[0-9a-f]+$/.exec(owner);
  return m ? { host: m[1]!, pid: Number(m[2]) } : null;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True only when we can be sure the owner is gone: same host, another pid, and no such process.
 * Anything else (another host, or this very process) waits for the lease to expire.
 */
export function ownerIsGone(owner: string, exists: (pid: number) => boolean = processExists, host = os.hostname()): boolean {
  const p = parseOwner(owner);
  if (!p || p.host !== host || p.pid === process.pid) return false;
  return !exists(p.pid);
}
