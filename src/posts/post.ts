// The shape of a blog post once parsed, shared by loading, rendering, the views and the counter.

export interface Post {
  /** URL key: front matter `slug`, else the file (or bundle folder) name by slugify's rule. Always matches SLUG_PATTERN. */
  readonly slug: string;
  readonly title: string;
  /** Publication date, UTC midnight when only a day is known. */
  readonly date: Date;
  readonly description: string;
  readonly tags: readonly string[];
  readonly draft: boolean;
  /** Markdown body as written, with the reference format's `# title` and `tags:` lines removed. */
  readonly markdown: string;
  /** Whole minutes at ~220 words per minute, at least 1. */
  readonly readingMinutes: number;
  /** Absolute path of the source file, for error messages and watching. */
  readonly file: string;
  /** `page` (front matter `layout: page` / `type: page`): served at `/<slug>`, kept out of the index, feeds and tags. */
  readonly kind?: 'post' | 'page';
  /** Old URL paths (each starting with `/`) that redirect here with 301: `aliases`, `redirect_from`, `permalink`. */
  readonly aliases?: readonly string[];
  /** Front matter `image` (or `cover`) as written: a URL, or a path relative to the site or to the post's folder. */
  readonly image?: string;
  /** The date as the author wrote it (e.g. `2013-05-12 14:45:00 +0200`), shown without a shift to UTC. */
  readonly dateText?: string;
  /** For a page bundle (`posts/<name>/index.md`): the folder whose other files are served next to the post. */
  readonly bundleDir?: string;
  /** Markdown before `<!--more-->`, when the post marks its excerpt. */
  readonly excerpt?: string;
  /** Front matter `ghosts: false` turns reader ghosts off for this post. */
  readonly ghosts?: boolean;
  /** Astro's `updatedDate`, Hugo's `lastmod`, Jekyll's `last_modified_at`. */
  readonly updated?: Date;
  /** The body's first image, for og:image when the front matter names none. */
  readonly firstImage?: string;
  /** What converting the file's Jekyll, Hugo or MDX parts left undone, each with its line, for `readcount check`. */
  readonly notes?: readonly { readonly line: number; readonly message: string }[];
  /** Front matter `preview: true`: the server logs the draft's secret preview link at start. */
  readonly preview?: boolean;
  /** Front matter `toc: true` puts a table of contents first (a `[[toc]]` marker puts it where it stands). */
  readonly toc?: boolean;
}

/** What a post file that could not be used produces instead of a Post. */
export interface PostProblem {
  readonly file: string;
  readonly reason: string;
  /** The file parsed before and its last good version is still served (a broken save, not a missing post). */
  readonly keptLastGood?: boolean;
}

/** Slugs are ASCII letters and digits joined by `-` or `_`; nothing else reaches a URL, a topic or a store key. */
export const SLUG_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,126}[A-Za-z0-9])?$/;

export function isValidSlug(value: string): boolean {
  return SLUG_PATTERN.test(value);
}

/**
 * The post with some fields replaced. Unlike a spread, it keeps the lazily worked-out fields (description, reading
 * time) lazy: a spread would read them, paying a body scan per post.
 */
export function withFields(post: Post, changes: Partial<Post>): Post {
  const replaced = Object.fromEntries(
    Object.entries(changes).map(([key, value]) => [
      key,
      { value, enumerable: true, writable: true, configurable: true },
    ]),
  );
  return Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(post), ...replaced }) as Post;
}
