// Turns a post's file or folder name into its URL slug by one documented rule (docs/moving-in.md, "Slugs").

import { SLUG_PATTERN } from './post.js';

/** Post files: Markdown under any of the extensions Jekyll and Hugo use, and Astro's MDX (read as markdown). */
const POST_EXTENSIONS = /\.(?:md|markdown|mdown|mdx)$/i;

/** Letters NFKD does not split into a base letter and a mark. */
const TRANSLITERATE: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
};

const MAX_SLUG_CHARS = 128;

/**
 * The slug for a file or folder name (extension already removed):
 * 1. a name that is already a valid slug (ASCII letters, digits, `-`, `_`) is kept exactly, capitals included,
 *    because reads are counted per slug and old URLs such as `/post/2022-08-11_statistics_on_the_cheap` must live on;
 * 2. any other name is lowercased, accents are dropped (`é` → `e`, `ß` → `ss`), every run of other characters
 *    (dots, spaces, punctuation, letters with no ASCII form) becomes one `-`, and `-`/`_` are trimmed from the ends.
 * Returns undefined when nothing usable is left (a name of only non-Latin letters): such a file needs a `slug:`.
 */
export function slugify(name: string): string | undefined {
  if (SLUG_PATTERN.test(name)) return name;
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^ -~]/g, (char) => TRANSLITERATE[char] ?? '-');
  const slug = folded
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, MAX_SLUG_CHARS)
    .replace(/^[-_]+|[-_]+$/g, '');
  return SLUG_PATTERN.test(slug) ? slug : undefined;
}

/** The name a post is known by before slugify: a bundle's folder, else the file name without its extension. */
export function postBaseName(fileName: string): string {
  return fileName.replace(POST_EXTENSIONS, '');
}

/** Whether a directory entry is a post file: a Markdown extension, not a dotfile (editors' swap files). */
export function isPostFileName(name: string): boolean {
  // Hugo's `_index.md` describes a section list, not a post.
  return POST_EXTENSIONS.test(name) && !name.startsWith('.') && !/^_index\./i.test(name);
}
