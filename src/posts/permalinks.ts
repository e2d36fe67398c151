// Old URL patterns (Hugo's `permalinks`, Jekyll's `permalink`) turned into each post's old paths, which 301 to the post.

import { basename } from 'node:path';
import { datetimeAttribute } from './date-text.js';
import { type Post, withFields } from './post.js';
import { postBaseName, slugify } from './slug.js';

/** Jekyll's named styles. `:categories` is not known here and becomes nothing. */
const JEKYLL_STYLES: Readonly<Record<string, string>> = {
  date: '/:categories/:year/:month/:day/:title.html',
  pretty: '/:categories/:year/:month/:day/:title/',
  ordinal: '/:categories/:year/:y_day/:title.html',
  none: '/:categories/:title.html',
};

const PATTERN = /^\/[!#-&(-;=?-[\]-~]*$/;
const TOKEN = /:([a-z_]+)/g;
/** A post gets at most this many old paths from one pattern (`:title` and `:slug` have two readings each). */
const MAX_VARIANTS = 4;
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function pattern(raw: string): string {
  const value = JEKYLL_STYLES[raw.trim()] ?? raw.trim();
  if (!PATTERN.test(value)) throw new Error(`"${raw}" is not a URL pattern like /posts/:slug/`);
  return value;
}

/** PERMALINKS as an env var or flag: patterns separated by commas. */
export function permalinkPatterns(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map(pattern);
}

/** In a site file: one pattern, a list, or Hugo's map of section to pattern (`posts: /posts/:slug/`). */
export function permalinkPatternsValue(value: unknown): string[] {
  if (typeof value === 'string') return permalinkPatterns(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.map(pattern);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).map(([section, item]) => {
      if (typeof item !== 'string') throw new Error(`"${section}" must be a URL pattern like /posts/:slug/`);
      return pattern(item).replaceAll(':section', section);
    });
  }
  throw new Error('must be a URL pattern, a list of them, or a map of section: pattern');
}

/** The paths a post had under one pattern: `:title` is Jekyll's file title or Hugo's urlized title, so both. */
export function permalinkPaths(post: Post, patterns: readonly string[]): string[] {
  if (patterns.length === 0) return [];
  const name = post.bundleDir === undefined ? postBaseName(basename(post.file)) : basename(post.bundleDir);
  const fileTitle = name.replace(/^\d{4}-\d{2}-\d{2}[-_]/, '');
  const titleSlug = slugify(post.title) ?? fileTitle;
  const stamp = datetimeAttribute(post);
  const [year = '', month = '', day = ''] = stamp.slice(0, 10).split('-');
  const time = /T(\d{2}):(\d{2}):(\d{2})/.exec(stamp);
  const dayOfYear = Math.floor((Date.UTC(+year, +month - 1, +day) - Date.UTC(+year, 0, 0)) / 86_400_000);
  const fixed: Record<string, string> = {
    year,
    month,
    day,
    i_month: String(Number(month)),
    i_day: String(Number(day)),
    short_year: year.slice(2),
    monthname: MONTHS[Number(month) - 1] ?? '',
    y_day: String(dayOfYear).padStart(3, '0'),
    yearday: String(dayOfYear),
    hour: time?.[1] ?? '00',
    minute: time?.[2] ?? '00',
    second: time?.[3] ?? '00',
    section: 'posts',
    sections: 'posts',
    categories: '',
    filename: name,
    contentbasename: name,
    slugorfilename: post.slug,
    output_ext: '.html',
  };
  const variants: Record<string, string[]> = {
    title: [fileTitle, titleSlug],
    slug: [post.slug, fileTitle, titleSlug],
  };
  const paths = new Set<string>();
  for (const each of patterns) {
    let results = [each];
    for (const [, token] of each.matchAll(TOKEN)) {
      const options = variants[token ?? ''] ?? [fixed[token ?? ''] ?? `:${token}`];
      results = results
        .flatMap((path) => [...new Set(options)].map((option) => path.replace(`:${token}`, option)))
        .slice(0, MAX_VARIANTS);
    }
    for (const path of results) paths.add(path.replace(/\/{2,}/g, '/'));
  }
  return [...paths];
}

// Kept per parsed post, so a reload that did not touch a file hands out the same object (page caches key on it).
const expanded = new WeakMap<Post, { key: string; post: Post }>();

/** The posts (not pages) with their pattern paths added to their aliases; unchanged when there are no patterns. */
export function withPermalinks(posts: readonly Post[], patterns: readonly string[]): Post[] {
  if (patterns.length === 0) return [...posts];
  const key = patterns.join('\n');
  return posts.map((post) => {
    if (post.kind === 'page') return post;
    const known = expanded.get(post);
    if (known?.key === key) return known.post;
    const extra = permalinkPaths(post, patterns).filter((path) => !(post.aliases ?? []).includes(path));
    const result = extra.length === 0 ? post : withFields(post, { aliases: [...(post.aliases ?? []), ...extra] });
    expanded.set(post, { key, post: result });
    return result;
  });
}
