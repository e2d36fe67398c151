// Holds the current set of posts and pages, reloads it from disk and tells listeners which slugs came, went or changed.

import { EventEmitter } from 'node:events';
import { relative, resolve, sep } from 'node:path';
import { buildIndexes, type LibraryIndexes, type TagSummary, tagKey } from './library-index.js';
import { type LoadedPosts, loadPosts } from './load.js';
import { withPermalinks } from './permalinks.js';
import type { Post, PostProblem } from './post.js';

export type { TagSummary } from './library-index.js';
export { tagKey } from './library-index.js';

export interface PostChanges {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

export interface PostLibraryOptions {
  /** Called once per distinct problem per file content, on open and on every reload that finds a new one. */
  readonly onProblem?: (problem: PostProblem) => void;
  /** PERMALINKS: old URL patterns whose paths 301 to each post. */
  readonly permalinks?: readonly string[];
  /** The clock that decides when a scheduled post goes up (tests pass their own). */
  readonly now?: () => number;
}

/** A post's neighbours by date: `newer` came after it, `older` before. */
export interface Neighbours {
  readonly newer: Post | undefined;
  readonly older: Post | undefined;
}

/** setTimeout's longest wait; a post scheduled further out gets a timer that wakes up to wait again. */
const MAX_TIMER_MS = 2_147_483_647;
const RELATED_MAX = 3;

/** One current problem, as /healthz shows it: the file relative to the posts folder, never an absolute path. */
export interface ContentProblem {
  readonly file: string;
  readonly reason: string;
  /** `last-good`: an older version of this file is still served; `skipped`: the file is not served at all. */
  readonly served: 'last-good' | 'skipped';
}

interface PostLibraryEvents {
  change: [changes: PostChanges];
}

/**
 * What the web routes use:
 * - `list()` posts (kind `post`) newest first, for the index, feeds and tag pages; `pages()` standalone pages;
 *   `all()` both; `get(slug)` either kind (posts at `/post/<slug>`, pages at `/<slug>`: check `kind`).
 * - `byAlias(path)` the post or page an old URL path (`aliases`, `redirect_from`, `permalink`) redirects to.
 * - `tags()` every tag with its post count; `tag(key)` one of them; `byTag(key)` that tag's posts; `tagKey(tag)` the
 *   URL key of a tag.
 * - `problems()` / `contentProblems()` what the latest load could not use, for logs, /healthz and `readcount check`.
 * Drafts are never in any of these.
 */
export class PostLibrary extends EventEmitter<PostLibraryEvents> {
  readonly dir: string;
  readonly #onProblem: (problem: PostProblem) => void;
  readonly #permalinks: readonly string[];
  #indexes: LibraryIndexes = buildIndexes([]);
  #problems: readonly PostProblem[] = [];
  #reported = new Set<string>();
  // Reloads run one after another so two quick file events cannot publish an older scan last.
  #queue: Promise<unknown> = Promise.resolve();
  readonly #now: () => number;
  /** Every post and page the latest load parsed, drafts and scheduled ones included. */
  #loaded: readonly Post[] = [];
  /** The latest load, whose per-file results a reload of a few named files reuses for the rest. */
  #lastLoad: LoadedPosts | undefined;
  #unpublished: readonly Post[] = [];
  #timer: NodeJS.Timeout | undefined;
  #positions = new WeakMap<LibraryIndexes, Map<string, number>>();
  #related = new WeakMap<Post, readonly Post[]>();

  private constructor(dir: string, options: PostLibraryOptions) {
    super();
    this.dir = dir;
    this.#onProblem = options.onProblem ?? (() => {});
    this.#permalinks = options.permalinks ?? [];
    this.#now = options.now ?? Date.now;
  }

  /** Rejects when the folder cannot be read; broken individual posts are only reported. */
  static async open(dir: string, options: PostLibraryOptions = {}): Promise<PostLibrary> {
    const library = new PostLibrary(dir, options);
    await library.reload();
    return library;
  }

  /** Published posts (not pages), newest first by instant; same-instant posts by title so the order is stable. */
  list(): readonly Post[] {
    return this.#indexes.posts;
  }

  /** Published pages (`layout: page` / `type: page`), by title. */
  pages(): readonly Post[] {
    return this.#indexes.pages;
  }

  /** Posts then pages. */
  all(): readonly Post[] {
    return this.#indexes.all;
  }

  /** A published post or page by slug. */
  get(slug: string): Post | undefined {
    return this.#indexes.bySlug.get(slug);
  }

  /** The post or page that an old URL path redirects to; a trailing `/` does not matter. */
  byAlias(path: string): Post | undefined {
    return this.#indexes.byAlias(path);
  }

  /** Every tag of a published post with its post count, most used first, then by name. */
  tags(): readonly TagSummary[] {
    return this.#indexes.tags;
  }

  /** The tag with this key (`tagKey`), if a published post has it. */
  tag(key: string): TagSummary | undefined {
    return this.#indexes.tagsByKey.get(key);
  }

  /** Published posts with this tag (by `tagKey`), newest first. */
  byTag(key: string): readonly Post[] {
    return this.#indexes.byTag.get(key) ?? [];
  }

  /** Slugs of every published post and page: each has a counter. */
  slugs(): string[] {
    return this.#indexes.all.map((post) => post.slug);
  }

  /** Posts dated after now (not drafts): served nowhere until their instant, soonest first. */
  scheduled(): readonly Post[] {
    return this.#unpublished.filter((post) => !post.draft && isScheduled(post, this.#now()));
  }

  /** Drafts and scheduled posts: only a preview link shows them. */
  unpublished(): readonly Post[] {
    return this.#unpublished;
  }

  /** The published posts just before and after this one by date (pages have none). */
  neighbours(slug: string): Neighbours {
    const indexes = this.#indexes;
    const at = this.#positionsOf(indexes).get(slug);
    if (at === undefined) return { newer: undefined, older: undefined };
    return { newer: indexes.posts[at - 1], older: indexes.posts[at + 1] };
  }

  /** Up to three published posts sharing the most tags with this one, newest first among equals. */
  related(post: Post): readonly Post[] {
    const known = this.#related.get(post);
    if (known) return known;
    const shared = new Map<Post, number>();
    for (const tag of new Set(post.tags.map(tagKey))) {
      for (const other of this.byTag(tag)) if (other !== post) shared.set(other, (shared.get(other) ?? 0) + 1);
    }
    // The best few kept in order as they come: no sort of every post that shares a tag.
    const positions = this.#positionsOf(this.#indexes);
    const best: { post: Post; tags: number; at: number }[] = [];
    for (const [other, tags] of shared) {
      const at = positions.get(other.slug) ?? Number.POSITIVE_INFINITY;
      let place = best.length;
      while (place > 0 && isBetter(tags, at, best[place - 1] as { tags: number; at: number })) place -= 1;
      if (place < RELATED_MAX) best.splice(place, 0, { post: other, tags, at });
      if (best.length > RELATED_MAX) best.pop();
    }
    const related = best.map((entry) => entry.post);
    this.#related.set(post, related);
    return related;
  }

  /** Each post's place in the newest-first list, worked out once per load. */
  #positionsOf(indexes: LibraryIndexes): ReadonlyMap<string, number> {
    let positions = this.#positions.get(indexes);
    if (!positions) {
      positions = new Map(indexes.posts.map((post, index) => [post.slug, index]));
      this.#positions.set(indexes, positions);
    }
    return positions;
  }

  /** Stops the timer that publishes scheduled posts. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The files the latest load skipped, and why. */
  problems(): readonly PostProblem[] {
    return this.#problems;
  }

  /** The latest load's problems for /healthz (`content_problems`): relative file names, whether a version is served. */
  contentProblems(): ContentProblem[] {
    const root = `${resolve(this.dir)}${sep}`;
    return this.#problems.map((problem) => ({
      file: relative(root, problem.file),
      reason: problem.reason.replaceAll(root, ''),
      served: problem.keptLastGood ? 'last-good' : 'skipped',
    }));
  }

  /**
   * Reads the folder again. With `changed` (the folder entries a watcher saw change: post file or bundle folder
   * names), only those are read and parsed again; without, every file is.
   */
  reload(changed?: Iterable<string>): Promise<PostChanges> {
    const names = changed === undefined ? undefined : new Set(changed);
    const next = this.#queue.then(() => this.#reloadNow(names));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #reloadNow(changed: ReadonlySet<string> | undefined): Promise<PostChanges> {
    // If the folder vanished the old posts stay up: serving yesterday's blog beats serving nothing.
    const before = this.#indexes.bySlug;
    const lastGood = new Map([...before.values()].map((post) => [post.file, post]));
    const previous = this.#lastLoad;
    const reuse = changed === undefined || previous === undefined ? {} : { reuse: { previous, changed } };
    const loaded = await loadPosts(this.dir, { lastGood, ...reuse });
    const { posts, problems, fingerprints } = loaded;
    this.#lastLoad = loaded;
    this.#loaded = posts;
    this.#problems = Object.freeze(problems);
    this.#reportProblems(problems, fingerprints);
    return this.#publish();
  }

  /** Publishes what is due now, and sets one timer for the next scheduled instant. */
  #publish(): PostChanges {
    const before = this.#indexes.bySlug;
    const now = this.#now();
    // An unchanged post keeps its object, so what is cached per post (pages, renders) outlives the reload.
    const published = withPermalinks(
      this.#loaded.filter((post) => !post.draft && !isScheduled(post, now)),
      this.#permalinks,
    ).map((post) => {
      const old = before.get(post.slug);
      return old && samePost(old, post) ? old : post;
    });
    this.#unpublished = Object.freeze(
      this.#loaded.filter((post) => post.draft || isScheduled(post, now)).sort((a, b) => +a.date - +b.date),
    );
    this.#schedule(now);
    const indexes = buildIndexes(published);
    const changes: PostChanges = { added: [], removed: [], changed: [] };
    for (const [slug, post] of indexes.bySlug) {
      const old = before.get(slug);
      if (!old) changes.added.push(slug);
      else if (!samePost(old, post)) changes.changed.push(slug);
    }
    for (const slug of before.keys()) if (!indexes.bySlug.has(slug)) changes.removed.push(slug);

    this.#indexes = indexes;
    // Related posts are worked out again for the new set (a Post object outlives the reload that kept it).
    this.#related = new WeakMap();

    if (changes.added.length + changes.removed.length + changes.changed.length > 0) this.emit('change', changes);
    return changes;
  }

  #schedule(now: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const next = this.scheduled()[0];
    if (!next) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, next.date.getTime() - now));
    // Through the reload queue, so a publish never interleaves with a scan of the folder.
    this.#timer = setTimeout(() => {
      const run = this.#queue.then(() => this.#publish());
      this.#queue = run.catch(() => undefined);
    }, wait);
    this.#timer.unref();
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

/** More shared tags first, then the newer (a lower place in the newest-first list). */
function isBetter(tags: number, at: number, than: { readonly tags: number; readonly at: number }): boolean {
  return tags > than.tags || (tags === than.tags && at < than.at);
}

/** A post (never a page) dated after `now` waits for its instant. */
function isScheduled(post: Post, now: number): boolean {
  return post.kind !== 'page' && post.date.getTime() > now;
}

function samePost(a: Post, b: Post): boolean {
  return (
    a === b ||
    (a.title === b.title &&
      a.date.getTime() === b.date.getTime() &&
      a.dateText === b.dateText &&
      a.description === b.description &&
      a.markdown === b.markdown &&
      a.file === b.file &&
      a.draft === b.draft &&
      a.kind === b.kind &&
      a.image === b.image &&
      a.bundleDir === b.bundleDir &&
      a.ghosts === b.ghosts &&
      a.updated?.getTime() === b.updated?.getTime() &&
      a.excerpt === b.excerpt &&
      a.preview === b.preview &&
      a.toc === b.toc &&
      sameList(a.tags, b.tags) &&
      sameList(a.aliases ?? [], b.aliases ?? []))
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
