/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by function
 * and by package, and inclusive time of the hot-path functions we own.
 * Also usable alone: node build/bench/rally/profile-summary.js file.cpuprofile
 */
import fs from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileLine {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  busyMs: number;
  selfByFunction: ProfileLine[];
  selfByPackage: ProfileLine[];
  inclusive: ProfileLine[];
}

/** Where a frame lives: an npm package, one of our files, node internals, or V8 itself. */
function owner(f: CallFrame): string {
  if (!f.url) return f.functionName.startsWith('(') ? f.functionName : `native ${f.functionName || '(anonymous)'}`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.url);
  if (nm) return nm[1]!;
  if (f.url.startsWith('node:')) return 'node core';
  const ours = /\/(dist|build)\/(?:src\/)?(.+)$/.exec(f.url);
  return ours ? `rallytext ${ours[2]}` : path.basename(f.url);
}

function label(f: CallFrame): string {
  return `${f.functionName || '(anonymous)'} ${owner(f)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
}

function top(map: Map<string, number>, busy: number, n: number): ProfileLine[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / busy }));
}

export function summarizeProfile(file: string, ownFilePattern = /rallytext /): ProfileSummary {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      return;
    }
    self.set(label(node.callFrame), (self.get(label(node.callFrame)) ?? 0) + dt);
    byPackage.set(owner(node.callFrame), (byPackage.get(owner(node.callFrame)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      const key = label(f);
      if (!ownFilePattern.test(owner(f)) && !/^(?:native |\(garbage)/.test(owner(f))) continue;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  });
  const busy = total - idle;
  return {
    file,
    totalMs: total / 1000,
    busyMs: busy / 1000,
    selfByFunction: top(self, busy, 25),
    selfByPackage: top(byPackage, busy, 15),
    inclusive: top(inclusive, busy, 25),
  };
}

export function formatProfile(s: ProfileSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const block = (title: string, lines: ProfileLine[]) =>
    [`  ${title}`, ...lines.map((l) => `    ${pct(l.share)}  ${l.ms.toFixed(0).padStart(7)} ms  ${l.name}`)].join('\n');
  return [
    `profile ${path.basename(s.file)}: ${(s.totalMs / 1000).toFixed(1)} s recorded, ${(s.busyMs / 1000).toFixed(1)} s busy (shares are of busy time)`,
    block('self time by package / owner', s.selfByPackage),
    block('self time by function', s.selfByFunction),
    block('inclusive time, our code and native calls', s.inclusive),
  ].join('\n');
}

if (require.main === module) {
  for (const f of process.argv.slice(2)) console.log(formatProfile(summarizeProfile(f)));
}
