// Reads every post file in a folder and sorts the results into usable posts and reported problems.

import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isInside, realPathOrSelf } from '../path-inside.js';
import { isPostProblem, MAX_POST_BYTES, type ParseOptions, parsePostFile } from './parse.js';
import type { Post, PostProblem } from './post.js';
import { isPostFileName } from './slug.js';

export interface LoadOptions {
  /**
   * The posts served before this load, by file. A file that no longer parses keeps its entry here (its problem
   * says so), and a slug two files now claim stays with the file that already served it.
   */
  readonly lastGood?: ReadonlyMap<string, Post>;
  /** False for posts that are only checked, never served: see ParseOptions. */
  readonly readerFacts?: boolean;
  /**
   * Reuse the previous load's results: only the folder entries (top-level names: a post file or a bundle folder)
   * named in `changed`, and entries the previous load did not have, are read again. The folder is always listed,
   * so a rename or a delete is seen even when its name is missing from `changed`.
   */
  readonly reuse?: { readonly previous: LoadedPosts; readonly changed: ReadonlySet<string> };
}

/** A bundle's post file: `posts/<name>/index.md` (or `.markdown`, `.mdown`). */
const BUNDLE_INDEX = ['index.md', 'index.markdown', 'index.mdown', 'index.mdx'];

export interface LoadedPosts {
  readonly posts: Post[];
  readonly problems: PostProblem[];
  /**
   * Content fingerprint per absolute file path (problem files included), so callers can tell
   * "the same broken file again" from "edited and still broken" without reading files twice.
   */
  readonly fingerprints: ReadonlyMap<string, string>;
  /** Each folder entry's result by its name (null: nothing loadable there), for a later load's `reuse`. */
  readonly entries: ReadonlyMap<string, FileResult | null>;
}

/** Throws only when the folder itself cannot be listed; every per-file failure becomes a PostProblem. */
export async function loadPosts(dir: string, options: LoadOptions = {}): Promise<LoadedPosts> {
  const root = resolve(dir);
  let names: string[];
  try {
    const entries = await readdir(root, { withFileTypes: true });
    names = entries
      .filter((entry) => !entry.name.startsWith('.'))
      // Symlinked posts are allowed; they are checked with stat below. Folders may be page bundles.
      .filter(
        (entry) => entry.isDirectory() || ((entry.isFile() || entry.isSymbolicLink()) && isPostFileName(entry.name)),
      )
      .map((entry) => entry.name)
      // Sorted so that which of two duplicate slugs "wins" does not depend on the file system's order.
      .sort();
  } catch (error) {
    throw new Error(`cannot read posts folder ${root}: ${describe(error)}`, { cause: error });
  }

  // A post or bundle may be a symlink, but only to a place inside the folder: never a file of the rest of the disk.
  const realRoot = realPathOrSelf(root);
  const entries = new Map<string, FileResult | null>();
  const known = options.reuse?.previous.entries;
  const changed = options.reuse?.changed ?? new Set<string>();
  let read = 0;
  for (const name of names) {
    const kept = changed.has(name) ? undefined : known?.get(name);
    if (kept !== undefined) {
      entries.set(name, kept);
      continue;
    }
    // Yield now and then so a reload of a large blog never holds up requests for long.
    if (++read % YIELD_EVERY === 0) await new Promise<void>((done) => setImmediate(done));
    const path = resolve(root, name);
    const parse = { readerFacts: options.readerFacts ?? true };
    entries.set(name, isPostFileName(name) ? loadOne(path, realRoot, parse) : loadBundle(path, realRoot, parse));
  }
  const results = [...entries.values()];

  const lastGood = options.lastGood ?? new Map<string, Post>();
  const candidates: Post[] = [];
  const problems: PostProblem[] = [];
  const fingerprints = new Map<string, string>();
  for (const result of results) {
    if (result === null) continue;
    fingerprints.set(result.file, result.fingerprint);
    const { parsed } = result;
    if (!isPostProblem(parsed)) {
      candidates.push(parsed);
      continue;
    }
    const previous = lastGood.get(parsed.file);
    problems.push(previous ? { ...parsed, keptLastGood: true } : parsed);
    if (previous) candidates.push(previous);
  }

  // A slug claimed twice stays with the file that served it before, else with the first file by path.
  const previousOwner = new Map([...lastGood.values()].map((post) => [post.slug, post.file]));
  const claims = new Set(lastGood.size === 0 ? [] : candidates.map((post) => `${post.file}\0${post.slug}`));
  const owners = new Map<string, string>();
  for (const post of candidates) {
    const before = previousOwner.get(post.slug);
    if (before !== undefined && before !== post.file && claims.has(`${before}\0${post.slug}`)) continue;
    if (!owners.has(post.slug)) owners.set(post.slug, post.file);
  }
  const posts: Post[] = [];
  for (const post of candidates) {
    const owner = owners.get(post.slug);
    if (owner === post.file) posts.push(post);
    else problems.push({ file: post.file, reason: `slug "${post.slug}" already used by ${owner}` });
  }
  return { posts, problems, fingerprints, entries };
}

/**
 * Small files read synchronously cost a fifth of what the async APIs cost per file (10,000 posts: ~0.3 s
 * against ~1.5 s of CPU), and a cold start of a large blog is exactly that loop.
 */
const YIELD_EVERY = 250;

export interface FileResult {
  readonly file: string;
  readonly fingerprint: string;
  readonly parsed: Post | PostProblem;
}

/** A folder is a page bundle when it holds an index file; any other folder (say `drafts/`) is not looked into. */
function loadBundle(folder: string, realRoot: string, parse: ParseOptions): FileResult | null {
  for (const name of BUNDLE_INDEX) {
    const result = loadOne(join(folder, name), realRoot, { ...parse, bundleDir: folder });
    if (result !== null) return result;
  }
  return null;
}

function loadOne(file: string, realRoot: string, parse: ParseOptions): FileResult | null {
  try {
    const real = realpathSync(file);
    if (!isInside(real, realRoot)) {
      // The target is not named: /healthz lists problems, and where the link points is none of its business.
      return {
        file,
        fingerprint: `outside:${real}`,
        parsed: { file, reason: 'is a symlink to a file outside POSTS_DIR; not loaded (move the file into POSTS_DIR)' },
      };
    }
    const info = statSync(real);
    if (!info.isFile()) return null;
    if (info.size > MAX_POST_BYTES) {
      return {
        file,
        fingerprint: `size:${info.size}:${info.mtimeMs}`,
        parsed: { file, reason: `file is too large (${info.size} bytes, limit ${MAX_POST_BYTES})` },
      };
    }
    const source = readFileSync(real, 'utf8');
    const fingerprint = createHash('sha256').update(source).digest('hex');
    return { file, fingerprint, parsed: parsePostFile(file, source, parse) };
  } catch (error) {
    // Deleted between listing and reading (an editor's atomic save, a git checkout): simply not there yet.
    if (isErrorCode(error, 'ENOENT')) return null;
    return {
      file,
      fingerprint: `error:${describe(error)}`,
      parsed: { file, reason: `cannot read file: ${describe(error)}` },
    };
  }
}

function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

function describe(error: unknown): string {
  // Node's fs messages already name the code and the path, e.g. "ENOENT: no such file or directory, scandir '/x'".
  return error instanceof Error ? error.message : String(error);
}
