/**
 * Running the real `rallytext` CLI as a child process. src/ is transpiled once per test file with
 * swc (the compiler jest already uses) into a temp directory laid out like the repository
 * (schema.sql one level above src/, node_modules linked), then `node <tmp>/src/cli.js ...` runs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { transformFileSync } from '@swc/core';

const ROOT = path.join(__dirname, '..', '..');

function compileDir(src: string, out: string): void {
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, entry.name);
    if (entry.isDirectory()) {
      compileDir(from, path.join(out, entry.name));
    } else if (entry.name.endsWith('.ts')) {
      const { code } = transformFileSync(from, {
        jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
        module: { type: 'commonjs' },
        sourceMaps: false,
      });
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, entry.name.replace(/\.ts$/, '.js')), code);
    }
  }
}

/** Build the CLI into a temp dir; returns the path of cli.js. */
export function buildCli(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rallytext-cli-'));
  compileDir(path.join(ROOT, 'src'), path.join(dir, 'src'));
  fs.copyFileSync(path.join(ROOT, 'schema.sql'), path.join(dir, 'schema.sql'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return path.join(dir, 'src', 'cli.js');
}

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function runCli(cli: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
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
