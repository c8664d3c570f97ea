/**
 * Browser tests must run wherever a Chromium exists, skip with one clear line where none does,
 * and fail under CI rather than skip. The lookup is tested on fake executables; the skip and the
 * CI failure by running the real browser test file in a child jest with no browser to find.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findChromium } from '../helpers/browser';
import { ROOT, runNode } from '../helpers/child';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rallytext-browser-lookup-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function executable(...parts: string[]): string {
  const file = path.join(dir, ...parts);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
  return file;
}

describe('finding a Chromium', () => {
  test('CHROMIUM_PATH wins, and a wrong one is reported rather than replaced by another browser', () => {
    const onPath = executable('bin', 'chromium');
    const chosen = executable('opt', 'chrome');
    expect(findChromium({ CHROMIUM_PATH: chosen, PATH: path.dirname(onPath) })).toEqual({ found: true, executable: chosen });
    const missing = findChromium({ CHROMIUM_PATH: '/nonexistent', PATH: path.dirname(onPath) });
    expect(missing).toEqual({ found: false, reason: 'CHROMIUM_PATH=/nonexistent is not an executable file' });
    const notExecutable = path.join(dir, 'opt', 'readme');
    fs.writeFileSync(notExecutable, 'not a browser', { mode: 0o644 });
    expect(findChromium({ CHROMIUM_PATH: notExecutable }).found).toBe(false);
  });

  test('otherwise the first chromium or chrome on PATH', () => {
    const first = executable('a', 'google-chrome');
    executable('b', 'chromium');
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty, { recursive: true });
    const PATH = [empty, path.dirname(first), path.join(dir, 'b')].join(path.delimiter);
    expect(findChromium({ PATH })).toEqual({ found: true, executable: first });
  });
});

/** Runs test/e2e/console.test.ts in a child jest (no build step) with no browser to be found. */
function runBrowserTestsWithout(env: NodeJS.ProcessEnv) {
  const config = JSON.stringify({
    rootDir: ROOT, roots: ['<rootDir>/test'], testEnvironment: 'node',
    transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] }, watchman: false,
  });
  return runNode(require.resolve('jest/bin/jest'), ['--config', config, '--runTestsByPath', path.join(ROOT, 'test', 'e2e', 'console.test.ts')],
    { CHROMIUM_PATH: '/nonexistent', ...env }, 120_000, ROOT);
}

describe('without a browser', () => {
  jest.setTimeout(150_000);

  test('the browser tests are skipped with one line saying how to enable them', async () => {
    const r = await runBrowserTestsWithout({});
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('SKIPPED'));
    expect(lines).toEqual([
      'SKIPPED browser tests "the console in a real browser": CHROMIUM_PATH=/nonexistent is not an executable file; ' +
        'to run them: apt-get install chromium (or any Chrome/Chromium on PATH), set CHROMIUM_PATH=/path/to/chrome, or npx playwright install chromium',
    ]);
    expect(r.stderr).toMatch(/Tests:\s+\d+ skipped, \d+ total/);
    expect(r.stderr).not.toMatch(/passed|failed/);
  });

  test('under CI (CI=true) a missing browser fails the run instead', async () => {
    const r = await runBrowserTestsWithout({ CI: 'true' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('a browser is installed (CI=true requires one)');
    expect(r.stderr).toContain('CHROMIUM_PATH=/nonexistent is not an executable file');
    expect(r.stderr).toMatch(/Tests:\s+1 failed, 1 total/);
    expect(r.stderr).not.toContain('SKIPPED');
  });
});
