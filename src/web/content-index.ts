// What the web routes ask of the post list: listed posts vs pages, tags with counts, old URLs (aliases) to new ones.
import type { Post } from '../posts/post.js';

export const isPage = (post: Post): boolean => post.kind === 'page';

/** Where a post or page lives: pages at `/<slug>`, posts at `/post/<slug>`. */
export const postUrl = (post: Post): string => (isPage(post) ? `/${post.slug}` : `/post/${post.slug}`);

export const tagUrl = (tag: string): string => `/tags/${encodeURIComponent(tag)}`;

export interface ContentIndex {
  /** Posts for the index, feeds and tag pages: everything but pages, newest first. */
  readonly posts: readonly Post[];
  readonly pages: ReadonlyMap<string, Post>;
  /** Tag → its posts, newest first; tags sorted by name. */
  readonly tags: ReadonlyMap<string, readonly Post[]>;
  /** Normalised old path (see aliasKey) → the post it moved to. */
  readonly aliases: ReadonlyMap<string, Post>;
}

// The library publishes a new frozen array on every reload, so one index per array is always current.
const cache = new WeakMap<readonly Post[], ContentIndex>();

export function contentIndex(list: readonly Post[]): ContentIndex {
  const cached = cache.get(list);
  if (cached) return cached;
  const posts: Post[] = [];
  const pages = new Map<string, Post>();
  const tags = new Map<string, Post[]>();
  const aliases = new Map<string, Post>();
  for (const post of list) {
    if (isPage(post)) pages.set(post.slug, post);
    else {
      posts.push(post);
      for (const tag of post.tags) tags.set(tag, [...(tags.get(tag) ?? []), post]);
    }
    for (const alias of post.aliases ?? []) {
      const key = aliasKey(alias);
      // First (newest) claimant keeps an alias two posts both list.
      if (key !== undefined && !aliases.has(key)) aliases.set(key, post);
    }
  }
  const sortedTags = new Map([...tags.entries()].sort(([a], [b]) => a.localeCompare(b)));
  const index: ContentIndex = { posts, pages, tags: sortedTags, aliases };
  cache.set(list, index);
  return index;
}

/** An old path as a lookup key: percent-decoded, no query, no trailing slash; undefined when it is not a path. */
export function aliasKey(path: string): string | undefined {
  const bare = path.split(/[?#]/)[0] ?? '';
  if (!bare.startsWith('/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURI(bare);
  } catch {
    return undefined;
  }
  return decoded.length > 1 ? decoded.replace(/\/+$/, '') || '/' : decoded;
}
