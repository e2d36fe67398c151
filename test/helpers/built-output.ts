// dist/ as `npm run build` makes it, built again only when a source, a compiler config or TypeScript is newer than it.
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function mtimes(dir: string): Promise<number[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return Promise.all(files.map(async (file) => (await stat(file)).mtimeMs));
}

/**
 * As make decides: dist/ is current when every file in it is newer than every input of the build. An edited, added
 * or checked-out source, a changed tsconfig or another TypeScript makes it stale; `npm ci`'s `prepare` build or an
 * earlier run of this test leaves it current, so an unchanged tree is compiled once.
 */
async function distIsCurrent(): Promise<boolean> {
  const outputs = await mtimes(join(ROOT, 'dist'));
  if (outputs.length === 0) return false;
  const configs = ['tsconfig.json', 'tsconfig.build.json', 'node_modules/typescript/package.json'];
  const inputs = [
    ...(await mtimes(join(ROOT, 'src'))),
    ...(await Promise.all(configs.map(async (file) => (await stat(join(ROOT, file))).mtimeMs))),
  ];
  return Math.min(...outputs) > Math.max(...inputs);
}

/** Runs the package's build (`tsc -p tsconfig.build.json`, what `prepare` runs) unless dist/ is current. */
export async function ensureBuilt(): Promise<'reused' | 'built'> {
  if (await distIsCurrent()) return 'reused';
  await promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
  });
  return 'built';
}
