/**
 * `rallytext db copy --from <url> --to <url> [--force]`: opens each side's engine endpoint by its
 * URL (the DATABASE_URL forms) and runs the copy (src/store/copy/copy.ts). Kept here so src/cli/
 * never imports a store engine.
 */
import { copyDatabase, CopyRefused, type CopyEndpoint, type TableCopy } from '../store/copy/copy';
import { MIGRATIONS } from '../store/migrations';
import { PgCopyEndpoint } from '../store/postgres/copy-endpoint';
import { SqliteCopyEndpoint } from '../store/sqlite/copy-endpoint';
import { isPostgresUrl } from './create-context';

export { CopyRefused, type TableCopy };

function endpoint(url: string, role: 'source' | 'target'): CopyEndpoint {
  if (isPostgresUrl(url)) return new PgCopyEndpoint(url);
  if (url.startsWith('sqlite:')) return new SqliteCopyEndpoint(url, role);
  throw new CopyRefused(`${url}: expected sqlite:<file> or postgres://…`);
}

export async function copyDatabases(fromUrl: string, toUrl: string, options: { force: boolean }): Promise<TableCopy[]> {
  if (fromUrl === toUrl) throw new CopyRefused('--from and --to name the same database');
  const from = endpoint(fromUrl, 'source');
  let to: CopyEndpoint;
  try {
    to = endpoint(toUrl, 'target');
  } catch (err) {
    await from.close();
    throw err;
  }
  try {
    return await copyDatabase(from, to, { force: options.force, expectedMigrations: MIGRATIONS.map((m) => m.name) });
  } finally {
    await from.close().catch(() => undefined);
    await to.close().catch(() => undefined);
  }
}
