/**
 * How a process that only sends broadcasts (src/dispatch-main.ts) is set up differently from the
 * gateway, and why (issue 9: a 100,000-recipient dispatch peaked at 212-235 MB; measured in
 * docs/performance.md, "Peak memory and the import stall"):
 *
 * - SQLite's page cache: 16 MB, not the gateway's 64 MB. The gateway's cache keeps a rally's
 *   indexes hot for webhooks; a dispatcher touches each page about once (it reads the audience
 *   in order, appends recipients and outbound rows with time-ordered ids, updates them once), so
 *   a big cache only fills with pages it will not read again: ~50 MB of a 100,000-text peak.
 * - V8's allocation-site pretenuring off. Early in a send V8 decides the request objects'
 *   allocation sites are long-lived and allocates them straight in old space, where the
 *   garbage of every text then waits for a full collection (runs were bimodal: 0.2 or 7 KB per
 *   text promoted). Without it they die young in the scavenger. Only this process: the gateway
 *   keeps V8's defaults (its webhook path is measured by bench:rally and bench:rally-counts).
 */
import v8 from 'node:v8';
import type { RuntimeOptions } from './create-context';

export const DISPATCHER_SQLITE_CACHE_KIB = 16 * 1024;

/** Call first thing in a dispatcher-only process, before the work begins. */
export function tuneDispatcherProcess(): RuntimeOptions {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
  return { sqliteCacheKib: DISPATCHER_SQLITE_CACHE_KIB };
}
