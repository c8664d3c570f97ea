/**
 * A Chromium driven by playwright-core (never downloaded by npm): headless, no sandbox (CI runs
 * as root), a fresh profile per launch. Which Chromium: CHROMIUM_PATH if set, else the first
 * chromium/chrome on PATH (Debian's /usr/bin/chromium), else one `npx playwright install
 * chromium` put in its cache. Without one, browser tests skip with one line on stderr saying how
 * to enable them; under CI (CI=true) a missing browser fails instead. Screenshots go to
 * test-artifacts/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './child';

export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e');

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** Browser names looked up on PATH, in order (Debian, Ubuntu, Google's packages). */
const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

export type BrowserLookup = { found: true; executable: string } | { found: false; reason: string };

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Finds a Chromium to drive, or says why there is none. Reads only the environment given. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): BrowserLookup {
  const configured = env.CHROMIUM_PATH;
  if (configured) {
    // An explicit choice is the only candidate: a typo must not silently test another browser.
    return isExecutable(configured)
      ? { found: true, executable: configured }
      : { found: false, reason: `CHROMIUM_PATH=${configured} is not an executable file` };
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of ON_PATH) {
      const file = path.join(dir, name);
      if (isExecutable(file)) return { found: true, executable: file };
    }
  }
  let cached: string | undefined;
  try {
    cached = chromium.executablePath();
  } catch {
    cached = undefined;
  }
  if (cached && isExecutable(cached)) return { found: true, executable: cached };
  return { found: false, reason: `no ${ON_PATH.join('/')} on PATH and no playwright-installed Chromium` };
}

const HOW_TO_ENABLE =
  'to run them: apt-get install chromium (or any Chrome/Chromium on PATH), set CHROMIUM_PATH=/path/to/chrome, or npx playwright install chromium';

/** Under CI a missing browser is a failure, never a silent skip. */
function underCi(env: NodeJS.ProcessEnv): boolean {
  const ci = (env.CI ?? '').toLowerCase();
  return ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * `describe` for tests that need a real browser. Without one: skipped, with ONE line on stderr
 * saying why and how to enable them; under CI: a failing test saying the same.
 */
export function describeWithBrowser(name: string, body: () => void, env: NodeJS.ProcessEnv = process.env): void {
  const lookup = findChromium(env);
  if (lookup.found) {
    describe(name, body);
    return;
  }
  const why = `browser tests "${name}": ${lookup.reason}`;
  if (underCi(env)) {
    describe(name, () => {
      test('a browser is installed (CI=true requires one)', () => {
        throw new Error(`${why}; ${HOW_TO_ENABLE} (.ci/run installs Debian's chromium)`);
      });
    });
    return;
  }
  process.stderr.write(`SKIPPED ${why}; ${HOW_TO_ENABLE}\n`);
  describe.skip(name, body);
}

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<LaunchedBrowser> {
  const lookup = findChromium();
  if (!lookup.found) throw new Error(`no browser: ${lookup.reason}; ${HOW_TO_ENABLE}`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rallytext-chromium-'));
  // launchPersistentContext passes the fresh profile to chromium as --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: lookup.executable, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 },
    acceptDownloads: true, timeout: 30_000,
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function shot(page: Page, name: string, fullPage = true): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** WCAG 2 contrast ratio of two CSS colours given as rgb()/rgba() strings. */
export function contrastRatio(a: string, b: string): number {
  const lum = (css: string) => {
    const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(css);
    if (!m) throw new Error(`not an rgb colour: ${css}`);
    const [r, g, bl] = [m[1], m[2], m[3]].map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
