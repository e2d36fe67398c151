// Jekyll's Liquid tags that have a meaning here (post_url, link, highlight, raw, site.baseurl); the rest stay visible, noted.

import { postBaseName, slugify } from '../slug.js';
import { asBlock, fencedBlock, lineAt, type Notes } from './segments.js';

const RAW = /\{%-?\s*(?:raw|endraw)\s*-?%\}/g;
const HIGHLIGHT = /\{%-?\s*highlight\s+([\w+#.-]+)[^%]*-?%\}([\s\S]*?)\{%-?\s*endhighlight\s*-?%\}/g;
const POST_URL = /\{%-?\s*post_url\s+([^\s%]+)\s*-?%\}/g;
const LINK = /\{%-?\s*link\s+([^\s%]+)\s*-?%\}/g;
const SITE_URL = /\{\{-?\s*site\.(?:baseurl|url)\s*-?\}\}/g;
const OTHER_TAG = /\{%-?\s*(\w+)[^%]*?-?%\}|\{\{-?[^}]*?-?\}\}/g;

/** `2015-05-21-rnn-effectiveness` (or `_posts/2015-05-21-x.md`, `blog/x`) as the URL that post has here. */
function postPath(name: string): string {
  const file = postBaseName(name.split('/').pop() ?? name);
  const slug = slugify(file.replace(/\.html?$/i, '')) ?? file;
  return `/post/${slug}`;
}

/** `{% link about.md %}`: a post under `_posts/` is `/post/<slug>`, any other page `/<slug>`, other files as written. */
function linkPath(path: string): string {
  if (/(?:^|\/)_posts\//.test(path)) return postPath(path);
  if (/\.(?:md|markdown|mdown|html)$/i.test(path))
    return `/${slugify(postBaseName(path.split('/').pop() ?? path)) ?? ''}`;
  return `/${path.replace(/^\/+/, '')}`;
}

export function convertLiquid(chunk: string, startLine: number, notes: Notes): string {
  if (!chunk.includes('{%') && !chunk.includes('{{')) return chunk;
  const text = chunk
    .replace(HIGHLIGHT, (whole: string, language: string, code: string) => asBlock(fencedBlock(language, code), whole))
    .replace(POST_URL, (_, name: string) => postPath(name))
    .replace(LINK, (_, path: string) => linkPath(path))
    .replace(SITE_URL, '')
    .replace(RAW, '');
  for (const match of text.matchAll(OTHER_TAG)) {
    // Hugo shortcodes (`{{< >}}`, `{{% %}}`) are another converter's business.
    if (/^\{\{[<%]/.test(match[0])) continue;
    notes.add(lineAt(text, match.index, startLine), `Liquid ${match[0].slice(0, 60)} is not run (shown as written)`);
  }
  return text;
}
