/** src/core is pure: it imports nothing from express, twilio, kysely, pino or the database driver. */
import fs from 'node:fs';
import path from 'node:path';

const CORE = path.join(__dirname, '..', '..', 'src', 'core');
const FORBIDDEN = ['express', 'twilio', 'kysely', 'pino', 'better-sqlite3', 'pg', 'node:fs', 'fs', 'node:http', 'http', 'node:net'];

describe('src/core', () => {
  const files = fs.readdirSync(CORE).filter((f) => f.endsWith('.ts'));
  it('has modules to check', () => expect(files.length).toBeGreaterThan(8));
  test.each(files)('%s imports no I/O library', (file) => {
    const src = fs.readFileSync(path.join(CORE, file), 'utf8');
    const imports = [...src.matchAll(/(?:from|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    const bad = imports.filter((i) => FORBIDDEN.includes(i) || FORBIDDEN.some((f) => i.startsWith(`${f}/`)));
    expect(bad).toEqual([]);
  });
});
