// Reads every post file in a folder and sorts the results into usable posts and reported problems.

import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isPostProblem, MAX_POST_BYTES, parsePostFile } from './parse.js';
import type { Post, PostProblem } from './post.js';

export interface LoadedPosts {
  readonly posts: Post[];
  readonly problems: PostProblem[];
  /**
   * Content fingerprint per absolute file path (problem files included), so callers can tell
   * "the same broken file again" from "edited and still broken" without reading files twice.
   */
  readonly fingerprints: ReadonlyMap<string, string>;
}

/** Throws only when the folder itself cannot be listed; every per-file failure becomes a PostProblem. */
export async function loadPosts(dir: string): Promise<LoadedPosts> {
  const root = resolve(dir);
  let names: string[];
  try {
    const entries = await readdir(root, { withFileTypes: true });
    // Symlinked posts are allowed; they are checked with stat below.
    names = entries
      .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && isPostFileName(entry.name))
      .map((entry) => entry.name)
      // Sorted so that which of two duplicate slugs "wins" does not depend on the file system's order.
      .sort();
  } catch (error) {
    throw new Error(`cannot read posts folder ${root}: ${describe(error)}`, { cause: error });
  }

  const results: (FileResult | null)[] = [];
  for (const [index, name] of names.entries()) {
    // Yield now and then so a reload of a large blog never holds up requests for long.
    if (index > 0 && index % YIELD_EVERY === 0) await new Promise<void>((done) => setImmediate(done));
    results.push(loadOne(resolve(root, name)));
  }

  const posts: Post[] = [];
  const problems: PostProblem[] = [];
  const fingerprints = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const result of results) {
    if (result === null) continue;
    fingerprints.set(result.file, result.fingerprint);
    const { parsed } = result;
    if (isPostProblem(parsed)) {
      problems.push(parsed);
      continue;
    }
    const owner = owners.get(parsed.slug);
    if (owner !== undefined) {
      problems.push({ file: parsed.file, reason: `slug "${parsed.slug}" already used by ${owner}` });
      continue;
    }
    owners.set(parsed.slug, parsed.file);
    posts.push(parsed);
  }
  return { posts, problems, fingerprints };
}

/**
 * Small files read synchronously cost a fifth of what the async APIs cost per file (10,000 posts: ~0.3 s
 * against ~1.5 s of CPU), and a cold start of a large blog is exactly that loop.
 */
const YIELD_EVERY = 250;

export function isPostFileName(name: string): boolean {
  return name.endsWith('.md') && !name.startsWith('.');
}

interface FileResult {
  readonly file: string;
  readonly fingerprint: string;
  readonly parsed: Post | PostProblem;
}

function loadOne(file: string): FileResult | null {
  try {
    const info = statSync(file);
    if (!info.isFile()) return null;
    if (info.size > MAX_POST_BYTES) {
      return {
        file,
        fingerprint: `size:${info.size}:${info.mtimeMs}`,
        parsed: { file, reason: `file is too large (${info.size} bytes, limit ${MAX_POST_BYTES})` },
      };
    }
    const source = readFileSync(file, 'utf8');
    const fingerprint = createHash('sha256').update(source).digest('hex');
    return { file, fingerprint, parsed: parsePostFile(file, source) };
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
