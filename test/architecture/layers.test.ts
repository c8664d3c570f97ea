/**
 * The layering of docs/architecture.md, enforced: every relative import under src/ must point to
 * a folder its own folder may import. The table below is the one in that document.
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '..', '..', 'src');

type Layer = 'core' | 'shared' | 'store' | 'store-engine' | 'usecases' | 'twilio' | 'http' | 'cli' | 'wiring' | 'entry';

const MAY_IMPORT: Record<Layer, Layer[]> = {
  core: ['core'],
  shared: ['shared', 'core'],
  store: ['store', 'core', 'shared'],
  'store-engine': ['store-engine', 'store', 'core', 'shared'],
  usecases: ['usecases', 'store', 'core', 'shared'],
  twilio: ['twilio', 'usecases', 'core', 'shared'],
  http: ['http', 'twilio', 'usecases', 'core', 'shared'],
  cli: ['cli', 'twilio', 'usecases', 'wiring', 'core', 'shared'],
  wiring: ['wiring', 'http', 'twilio', 'usecases', 'store', 'store-engine', 'core', 'shared'],
  entry: ['entry', 'wiring', 'http', 'twilio', 'usecases', 'store', 'store-engine', 'core', 'shared'],
};

/**
 * What adapters are handed: the configuration's and the context's shapes. They may name these
 * types (`import type`), never import wiring code.
 */
const HANDED_IN = ['wiring/config.ts', 'wiring/context.ts'];
const ADAPTERS: Layer[] = ['twilio', 'http', 'cli'];

/** Store engines live in src/store/<engine>/ or as src/store/<feature>/<engine>.ts. */
const ENGINES = ['sqlite', 'postgres'];

function layerOf(file: string): Layer {
  const rel = path.relative(SRC, file).split(path.sep);
  if (rel.length === 1) return 'entry';
  const top = rel[0]!;
  if (top === 'store') {
    const inEngineFolder = ENGINES.includes(rel[1]!);
    const engineFile = ENGINES.some((e) => path.basename(file, '.ts') === e || path.basename(file, '.ts').startsWith(`${e}-`));
    return inEngineFolder || engineFile ? 'store-engine' : 'store';
  }
  if (top in MAY_IMPORT) return top as Layer;
  throw new Error(`src/${rel.join('/')} is in no layer of docs/architecture.md`);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

interface RelativeImport {
  target: string;
  typeOnly: boolean;
}

function relativeImports(file: string): RelativeImport[] {
  const src = fs.readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:^|\n)\s*((?:import|export)[^'"]*?)from\s*['"](\.[^'"]+)['"]|require\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => ({
    target: path.resolve(path.dirname(file), (m[2] ?? m[3])!),
    typeOnly: /^(?:import|export)\s+type\s/.test(m[1] ?? ''),
  }));
}

const files = sourceFiles(SRC);

describe('layers (docs/architecture.md)', () => {
  it('finds the source tree', () => expect(files.length).toBeGreaterThan(50));

  it('puts every source file in a layer', () => {
    expect(files.filter((f) => { try { layerOf(f); return false; } catch { return true; } }).map((f) => path.relative(SRC, f))).toEqual([]);
  });

  it('has no import pointing up or sideways', () => {
    const bad: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const { target, typeOnly } of relativeImports(file)) {
        if (!target.startsWith(SRC + path.sep)) continue;
        const candidates = [target, `${target}.ts`, path.join(target, 'index.ts')];
        const resolved = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
        if (!resolved) continue;
        const to = layerOf(resolved);
        const handedIn = typeOnly && ADAPTERS.includes(from) && HANDED_IN.includes(path.relative(SRC, resolved).split(path.sep).join('/'));
        if (!MAY_IMPORT[from].includes(to) && !handedIn) bad.push(`${path.relative(SRC, file)} (${from}) -> ${path.relative(SRC, resolved)} (${to})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('has adapters reach the database only through use cases (they may hand the store to one, never call it)', () => {
    const direct = files
      .filter((f) => ADAPTERS.includes(layerOf(f)))
      .flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/\bctx\.store\.(\w+)/g)].map((m) => `${path.relative(SRC, f)}: ctx.store.${m[1]}`));
    expect(direct).toEqual([]);
  });

  it('keeps SQL in src/store only', () => {
    const sqlOutside = files
      .filter((f) => !path.relative(SRC, f).startsWith(`store${path.sep}`))
      .filter((f) => /\.prepare\(|selectFrom\(|insertInto\(|updateTable\(|deleteFrom\(|\bsql`/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    expect(sqlOutside).toEqual([]);
  });
});
