// Reloads the post library when markdown files in its folder are added, edited or deleted.

import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { watch } from 'chokidar';
import type { PostLibrary } from './library.js';
import { isPostFileName } from './slug.js';

export interface WatchOptions {
  /** Editors save in bursts (temp file, rename, chmod); wait this long after the last event before reloading. */
  readonly debounceMs?: number;
  /** Where reload and watcher errors go; the watcher itself never throws. Defaults to stderr. */
  readonly onError?: (error: Error) => void;
}

export interface PostWatcher {
  /** Resolves once the initial scan is done; changes before that may be missed. */
  readonly ready: Promise<void>;
  /** Stops watching and waits for a reload already in progress. */
  close(): Promise<void>;
}

export function watchPosts(library: PostLibrary, dir: string, options: WatchOptions = {}): PostWatcher {
  const debounceMs = options.debounceMs ?? 150;
  const onError =
    options.onError ?? ((error: Error) => console.error(`readcount: reloading posts failed: ${error.message}`));
  const report = (error: unknown): void => {
    try {
      onError(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // An error reporter that throws must not take the watcher (or the process) down with it.
    }
  };

  const root = resolve(dir);
  const watcher = watch(root, {
    ignoreInitial: true,
    // Depth 1 reaches page bundles (`posts/<name>/index.md`).
    depth: 1,
    // Dotfiles include editors' swap files. Files that are not posts (a bundle's images) are not watched at all:
    // chokidar gives every watched file an inotify watch of its own, and fs.inotify.max_user_watches is finite.
    ignored: (path, stats) =>
      resolve(path) !== root &&
      (basename(path).startsWith('.') || (stats?.isFile() === true && !isPostFileName(basename(path)))),
  });

  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let running: Promise<void> = Promise.resolve();
  // The folder entries (post files, bundle folders) events named since the last reload; undefined: read them all.
  let pending: Set<string> | undefined = new Set();

  const reload = (): void => {
    timer = undefined;
    if (closed) return;
    const names = pending;
    pending = new Set();
    running = running.then(() => (closed ? undefined : library.reload(names).then(() => undefined, report)));
  };

  const schedule = (entry: string | undefined): void => {
    if (entry === undefined) pending = undefined;
    else pending?.add(entry);
    if (timer) clearTimeout(timer);
    timer = setTimeout(reload, debounceMs);
  };

  const onFileEvent = (path: string): void => {
    if (closed || !isPostFileName(basename(path))) return;
    schedule(folderEntry(root, path));
  };

  watcher.on('add', onFileEvent).on('change', onFileEvent).on('unlink', onFileEvent);
  // A bundle folder renamed or removed takes its index file with it without a file event for it.
  const onDirEvent = (path: string): void => {
    if (closed || resolve(path) === root) return;
    schedule(folderEntry(root, path));
  };
  watcher.on('addDir', onDirEvent).on('unlinkDir', onDirEvent);
  let limitReported = false;
  watcher.on('error', (error) => {
    const limit = watchLimitError(error);
    // Events may have been lost with another error (a file past the limit is just not watched): read every file.
    if (!closed && !limit) schedule(undefined);
    // chokidar fails once per file past the limit: one line says it all.
    if (limit && limitReported) return;
    limitReported ||= limit !== undefined;
    report(limit ?? error);
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}

/** The top-level name under the folder (a post file or a bundle folder) a path is in; undefined when outside it. */
export function folderEntry(root: string, path: string): string | undefined {
  const inside = relative(root, resolve(path));
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  return inside.split(sep)[0];
}

/** The inotify limit reached (ENOSPC from a watch, not a full disk) as a line saying what to do; else undefined. */
export function watchLimitError(error: unknown): Error | undefined {
  if (!(error instanceof Error) || !('code' in error) || error.code !== 'ENOSPC') return undefined;
  return new Error(
    'the inotify watch limit (fs.inotify.max_user_watches) is reached: edits to some posts are picked up only after a restart; raise it (docs/deploying.md, "A big blog")',
    { cause: error },
  );
}
