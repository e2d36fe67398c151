// Where a served file really is: its real path (symlinks followed) must be a regular file inside its folder, never in DATA_DIR.
import { realpath, stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { isInside } from '../path-inside.js';

/** A file to send: its folder's real path and the file's path relative to it, with every symlink already followed. */
export interface ServedFile {
  readonly root: string;
  readonly path: string;
}

/**
 * `path` (relative, from safeFilePath) under `root`, or undefined unless its real path is a regular file inside the
 * real `root` and outside every `forbidden` folder (DATA_DIR). A symlink that stays inside is followed.
 */
export async function servedFile(
  root: string,
  path: string,
  forbidden: readonly string[] = [],
): Promise<ServedFile | undefined> {
  try {
    const realRoot = await realpath(root);
    const real = await realpath(resolve(realRoot, path));
    if (!isInside(real, realRoot) || forbidden.some((folder) => isInside(real, folder))) return undefined;
    if (!(await stat(real)).isFile()) return undefined;
    return { root: realRoot, path: relative(realRoot, real).split(sep).join('/') };
  } catch {
    return undefined;
  }
}
