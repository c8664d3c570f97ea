/**
 * Where the machine's CPU goes during a PostgreSQL phase of the rally bench. The target
 * (20,000 JOINs in < 10 s = 2,000 req/s) is a CPU budget: when the database server, the gateways
 * and the load generator share one box, the sum of their CPU per request bounds the throughput
 * (cores / CPU per request). This reads that sum from /proc: the whole machine's busy time
 * (/proc/stat) and the local PostgreSQL server's (its postmaster plus every backend, live and
 * reaped), so the figure shows which part to make cheaper and what a box can reach at best.
 * Linux only; on another system, or a remote server, the parts it cannot read are null.
 */
import fs from 'node:fs';
import os from 'node:os';
import pg from 'pg';

const TICK_MS = 10; // USER_HZ is 100 on Linux

export interface CpuSnapshot {
  machineBusyMs: number | null;
  postgresMs: number | null;
}

export interface CpuBudget {
  /** CPU per request, all processes on the box (gateways, database, load generator, the rest). */
  machineMsPerReq: number | null;
  /** CPU per request spent by the PostgreSQL server. */
  postgresMsPerReq: number | null;
  /** cores / machine CPU per request: the most this box could answer per second at this cost. */
  ceilingReqPerSec: number | null;
}

/** The postmaster's pid, when the server is on this machine and tells its data directory. */
export async function localPostmasterPid(url: string): Promise<number | null> {
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    const dir = (await c.query<{ data_directory: string }>('SHOW data_directory')).rows[0]?.data_directory;
    if (!dir) return null;
    const pid = Number(fs.readFileSync(`${dir}/postmaster.pid`, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && fs.existsSync(`/proc/${pid}/stat`) ? pid : null;
  } catch {
    return null; // not superuser, not local, or not Linux
  } finally {
    await c.end().catch(() => undefined);
  }
}

function statFields(pid: number): string[] {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime + cutime + cstime of the postmaster, plus utime + stime of its live children. */
function postgresMs(postmaster: number): number | null {
  try {
    const f = statFields(postmaster);
    let ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const c = statFields(Number(name));
        if (Number(c[1]) === postmaster) ticks += Number(c[11]) + Number(c[12]);
      } catch {
        // the process ended while we looked
      }
    }
    return ticks * TICK_MS;
  } catch {
    return null;
  }
}

function machineBusyMs(): number | null {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy = all but idle and iowait
    return (cpu[0]! + cpu[1]! + cpu[2]! + cpu[5]! + cpu[6]! + cpu[7]!) * TICK_MS;
  } catch {
    return null;
  }
}

export function cpuSnapshot(postmaster: number | null): CpuSnapshot {
  return { machineBusyMs: machineBusyMs(), postgresMs: postmaster === null ? null : postgresMs(postmaster) };
}

export function cpuBudget(before: CpuSnapshot, after: CpuSnapshot, requests: number): CpuBudget {
  const per = (a: number | null, b: number | null) => (a === null || b === null || requests === 0 ? null : (b - a) / requests);
  const machineMsPerReq = per(before.machineBusyMs, after.machineBusyMs);
  return {
    machineMsPerReq,
    postgresMsPerReq: per(before.postgresMs, after.postgresMs),
    ceilingReqPerSec: machineMsPerReq ? (os.cpus().length * 1000) / machineMsPerReq : null,
  };
}
