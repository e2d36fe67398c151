// The lookups a set of published posts and pages answers (by slug, by old URL, by tag), built once per load.

import type { Post } from './post.js';

export interface TagSummary {
  /** The tag as first written (by the newest post using it). */
  readonly name: string;
  /** URL key: lowercased, whitespace runs as `-`; other characters kept (percent-encode in links). */
  readonly key: string;
  readonly count: number;
}

export interface LibraryIndexes {
  readonly posts: readonly Post[];
  readonly pages: readonly Post[];
  readonly all: readonly Post[];
  readonly bySlug: ReadonlyMap<string, Post>;
  readonly tags: readonly TagSummary[];
  readonly tagsByKey: ReadonlyMap<string, TagSummary>;
  readonly byTag: ReadonlyMap<string, readonly Post[]>;
  byAlias(path: string): Post | undefined;
}

/** `Rust Lang` and `rust-lang` are one tag; `C++` stays `c++` so it does not merge with `C`. */
export function tagKey(tag: string): string {
  return tag.trim().toLowerCase().replace(/\s+/g, '-');
}

export function buildIndexes(published: readonly Post[]): LibraryIndexes {
  const bySlug = new Map<string, Post>();
  for (const post of published) bySlug.set(post.slug, post);
  const posts = Object.freeze(published.filter((post) => post.kind !== 'page').sort(newestFirst));
  const pages = Object.freeze(published.filter((post) => post.kind === 'page').sort(byTitle));

  const byTag = new Map<string, Post[]>();
  const names = new Map<string, string>();
  for (const post of posts) {
    for (const tag of post.tags) {
      const key = tagKey(tag);
      if (!names.has(key)) names.set(key, tag);
      const list = byTag.get(key);
      if (list) list.push(post);
      else byTag.set(key, [post]);
    }
  }
  const tags = Object.freeze(
    [...byTag]
      .map(([key, list]) => ({ name: names.get(key) ?? key, key, count: list.length }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
  );

  // The first claim of an old URL wins, in newest-first order; `readcount check` reports the others.
  const aliases = new Map<string, Post>();
  for (const post of [...posts, ...pages]) {
    for (const alias of post.aliases ?? []) {
      const key = aliasKey(alias);
      if (!aliases.has(key)) aliases.set(key, post);
    }
  }

  return {
    posts,
    pages,
    all: Object.freeze([...posts, ...pages]),
    bySlug,
    tags,
    tagsByKey: new Map(tags.map((tag) => [tag.key, tag])),
    byTag,
    byAlias: (path) => aliases.get(aliasKey(path)) ?? aliases.get(aliasKey(safeDecode(path))),
  };
}

/** `/old/`, `/old` and `old` are one alias; the query string never matters. */
export function aliasKey(path: string): string {
  const bare = path.split(/[?#]/)[0] ?? '';
  const trimmed = `/${bare.replace(/^\/+/, '')}`.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

function safeDecode(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

function newestFirst(a: Post, b: Post): number {
  return b.date.getTime() - a.date.getTime() || a.title.localeCompare(b.title) || a.slug.localeCompare(b.slug);
}

function byTitle(a: Post, b: Post): number {
  return a.title.localeCompare(b.title) || a.slug.localeCompare(b.slug);
}
