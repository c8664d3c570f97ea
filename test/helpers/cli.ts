/**
 * Running the real `rallytext` CLI as a child process. src/ is transpiled once per test file
 * with TypeScript's transpileModule (no type check: `npm run typecheck` does that) into a temp
 * directory laid out like the repository (node_modules linked),
 * then `node <tmp>/src/cli/index.js ...` runs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');

function compileDir(src: string, out: string): void {
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, entry.name);
    if (entry.isDirectory()) {
      compileDir(from, path.join(out, entry.name));
    } else if (entry.name.endsWith('.ts')) {
      const { outputText } = ts.transpileModule(fs.readFileSync(from, 'utf8'), {
        fileName: from,
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true },
      });
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, entry.name.replace(/\.ts$/, '.js')), outputText);
    }
  }
}

/** Build the CLI into a temp dir; returns the path of its entry point (src/cli/index.js there). */
export function buildCli(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rallytext-cli-'));
  compileDir(path.join(ROOT, 'src'), path.join(dir, 'src'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return path.join(dir, 'src', 'cli', 'index.js');
}

/** Remove a directory made by buildCli. */
export function removeCli(cli: string): void {
  fs.rmSync(path.resolve(cli, '..', '..', '..'), { recursive: true, force: true });
}

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function runCli(cli: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      // NODE_OPTIONS passes through (e.g. --preserve-symlinks when node_modules is a symlink).
      env: { PATH: process.env.PATH ?? '', ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += String(c)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
  });
}
