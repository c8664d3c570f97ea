/**
 * Real disk trouble for drills, as root on Linux: a tiny tmpfs that can be filled to the last
 * byte (ENOSPC), and files or directories made immutable (chattr +i: even root gets EPERM, even
 * through file descriptors the gateway already holds). Each helper says when it is unavailable
 * (not root, no tmpfs, no chattr) so a drill can skip with the reason instead of faking it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TinyDisk {
  dir: string;
  /** Write a filler file until the disk is full. */
  fill(): void;
  /** Delete the filler file. */
  unfill(): void;
  unmount(): void;
}

function run(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A tmpfs of `megabytes`, or the reason it cannot be had here. */
export function tinyDisk(megabytes: number): TinyDisk | string {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'needs root on Linux to mount a tmpfs';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rallytext-tinydisk-'));
  if (!run('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir])) return 'mount -t tmpfs was refused';
  const filler = path.join(dir, 'filler');
  return {
    dir,
    fill: () => {
      const fd = fs.openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
      // Top up the last few bytes the 64 KB chunks could not take.
      try {
        for (;;) fs.writeSync(fd, Buffer.alloc(512, 0x61));
      } catch {
        // full
      } finally {
        fs.closeSync(fd);
      }
    },
    unfill: () => fs.rmSync(filler, { force: true }),
    unmount: () => {
      run('umount', ['-l', dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether chattr +i works on files in `dir` (root, and a filesystem that supports it). */
export function immutableSupported(dir: string): true | string {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'needs root on Linux for chattr +i';
  const probe = path.join(dir, '.chattr-probe');
  fs.writeFileSync(probe, 'x');
  const ok = run('chattr', ['+i', probe]);
  run('chattr', ['-i', probe]);
  fs.rmSync(probe, { force: true });
  return ok ? true : `chattr +i is not supported on ${dir}`;
}

export function setImmutable(paths: string[], on: boolean): void {
  for (const p of paths) if (fs.existsSync(p)) execFileSync('chattr', [on ? '+i' : '-i', p]);
}
