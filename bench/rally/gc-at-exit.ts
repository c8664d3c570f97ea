/**
 * Preloaded into a gateway by `bench:rally-counts` (node --expose-gc -r this): at exit, one full
 * collection, so the last `--trace-gc-nvp` line accounts for everything the process allocated
 * (without it, up to a new space's worth of allocation after the last scavenge is never counted),
 * then the process's resource usage on stderr as one JSON line.
 */
import fs from 'node:fs';

process.on('exit', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  fs.writeSync(2, `\nRESOURCE_USAGE ${JSON.stringify(process.resourceUsage())}\n`);
});
