// Where content lives on the site: posts at /post/<slug>, pages at /<slug>, tags at /tags/<key>.
import { tagKey } from '../posts/library.js';
import type { Post } from '../posts/post.js';

export const postUrl = (post: Pick<Post, 'slug' | 'kind'>): string =>
  post.kind === 'page' ? `/${post.slug}` : `/post/${post.slug}`;

/** A tag's page, by its key (`Rust Lang` → `/tags/rust-lang`), so every spelling of a tag links to one page. */
export const tagUrl = (tag: string): string => `/tags/${encodeURIComponent(tagKey(tag))}`;
