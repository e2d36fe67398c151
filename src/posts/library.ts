// Holds the current set of posts, reloads it from disk and tells listeners which slugs came, went or changed.

import { EventEmitter } from 'node:events';
import { loadPosts } from './load.js';
import type { Post, PostProblem } from './post.js';

export interface PostChanges {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

export interface PostLibraryOptions {
  /** Called once per distinct problem per file content, on open and on every reload that finds a new one. */
  readonly onProblem?: (problem: PostProblem) => void;
}

interface PostLibraryEvents {
  change: [changes: PostChanges];
}

export class PostLibrary extends EventEmitter<PostLibraryEvents> {
  readonly dir: string;
  readonly #onProblem: (problem: PostProblem) => void;
  /** Published posts only: drafts never reach a URL, a feed or the counter. */
  #bySlug = new Map<string, Post>();
  #list: readonly Post[] = [];
  #problems: readonly PostProblem[] = [];
  #reported = new Set<string>();
  // Reloads run one after another so two quick file events cannot publish an older scan last.
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(dir: string, options: PostLibraryOptions) {
    super();
    this.dir = dir;
    this.#onProblem = options.onProblem ?? (() => {});
  }

  /** Rejects when the folder cannot be read; broken individual posts are only reported. */
  static async open(dir: string, options: PostLibraryOptions = {}): Promise<PostLibrary> {
    const library = new PostLibrary(dir, options);
    await library.reload();
    return library;
  }

  /** Published posts, newest first; same-day posts by title so the order is stable. */
  list(): readonly Post[] {
    return this.#list;
  }

  get(slug: string): Post | undefined {
    return this.#bySlug.get(slug);
  }

  slugs(): string[] {
    return this.#list.map((post) => post.slug);
  }

  /** The files the latest load skipped, and why. */
  problems(): readonly PostProblem[] {
    return this.#problems;
  }

  reload(): Promise<PostChanges> {
    const next = this.#queue.then(() => this.#reloadNow());
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #reloadNow(): Promise<PostChanges> {
    // If the folder vanished the old posts stay up: serving yesterday's blog beats serving nothing.
    const { posts, problems, fingerprints } = await loadPosts(this.dir);

    const published = new Map<string, Post>();
    for (const post of posts) if (!post.draft) published.set(post.slug, post);

    const changes: PostChanges = { added: [], removed: [], changed: [] };
    for (const [slug, post] of published) {
      const before = this.#bySlug.get(slug);
      if (!before) changes.added.push(slug);
      else if (!samePost(before, post)) changes.changed.push(slug);
    }
    for (const slug of this.#bySlug.keys()) if (!published.has(slug)) changes.removed.push(slug);

    this.#bySlug = published;
    this.#list = Object.freeze([...published.values()].sort(newestFirst));
    this.#problems = Object.freeze(problems);
    this.#reportProblems(problems, fingerprints);

    if (changes.added.length + changes.removed.length + changes.changed.length > 0) this.emit('change', changes);
    return changes;
  }

  #reportProblems(problems: readonly PostProblem[], fingerprints: ReadonlyMap<string, string>): void {
    const current = new Set<string>();
    const fresh: PostProblem[] = [];
    for (const problem of problems) {
      const key = `${problem.file}\0${fingerprints.get(problem.file) ?? ''}\0${problem.reason}`;
      current.add(key);
      if (!this.#reported.has(key)) fresh.push(problem);
    }
    // Forgetting fixed problems means a file broken again later is reported again.
    this.#reported = current;
    for (const problem of fresh) this.#onProblem(problem);
  }
}

function newestFirst(a: Post, b: Post): number {
  return b.date.getTime() - a.date.getTime() || a.title.localeCompare(b.title) || a.slug.localeCompare(b.slug);
}

function samePost(a: Post, b: Post): boolean {
  return (
    a.title === b.title &&
    a.date.getTime() === b.date.getTime() &&
    a.description === b.description &&
    a.markdown === b.markdown &&
    a.file === b.file &&
    a.draft === b.draft &&
    a.ghosts === b.ghosts &&
    a.tags.length === b.tags.length &&
    a.tags.every((tag, index) => tag === b.tags[index])
  );
}
