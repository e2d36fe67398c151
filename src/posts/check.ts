// Validates a content folder the way the server would read it, without a server or any data: `readcount check`.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import MarkdownIt from 'markdown-it';
import { bundledLanguages } from 'shiki/langs';
import { fenceLanguages } from './languages.js';
import { aliasKey, tagKey } from './library-index.js';
import { loadPosts } from './load.js';
import type { Post } from './post.js';
import { postBaseName } from './slug.js';

export interface CheckLine {
  readonly kind: 'skipped' | 'renamed' | 'warning';
  /** Relative to the posts folder. */
  readonly file: string;
  readonly message: string;
}

export interface CheckReport {
  readonly lines: readonly CheckLine[];
  readonly posts: number;
  readonly pages: number;
  readonly drafts: number;
  readonly tags: number;
  /** Undefined when the static folder does not exist. */
  readonly staticFiles: number | undefined;
  /** Posts dated in the future (not drafts): each goes up at its instant, soonest first. */
  readonly scheduled?: readonly { readonly file: string; readonly date: Date }[];
}

const tokenizer = new MarkdownIt({ html: true });
const MEDIA_TAG = /<(?:img|video|audio|source|track)\b[^>]*>/gi;
const MEDIA_ATTR = /\s(?:src|poster)\s*=\s*["']?([^"'\s>]+)/gi;

/** Throws only when the posts folder cannot be read. */
export async function checkContent(postsDir: string, staticDir: string, now = Date.now()): Promise<CheckReport> {
  const root = resolve(postsDir);
  const staticRoot = resolve(staticDir);
  const { posts, problems } = await loadPosts(root);
  const lines: CheckLine[] = [];
  const rel = (file: string) => relative(root, file) || basename(file);
  for (const problem of problems) {
    lines.push({ kind: 'skipped', file: rel(problem.file), message: problem.reason.replaceAll(`${root}${sep}`, '') });
  }

  const aliasOwners = new Map<string, string>();
  for (const post of posts) {
    const file = rel(post.file);
    const name = post.bundleDir === undefined ? postBaseName(basename(post.file)) : basename(post.bundleDir);
    const where = post.kind === 'page' ? `/${post.slug}` : `/post/${post.slug}`;
    if (post.slug !== name) lines.push({ kind: 'renamed', file, message: `slug "${post.slug}" (served at ${where})` });
    const warn = (message: string) => lines.push({ kind: 'warning', file, message });
    for (const lang of fenceLanguages(post.markdown)) {
      if (!Object.hasOwn(bundledLanguages, lang)) warn(`unknown code language "${lang}" (shown as plain code)`);
    }
    for (const url of mediaUrls(post)) {
      const problem = checkMediaUrl(url, post, staticRoot, staticDir);
      if (problem) warn(problem);
    }
    for (const alias of post.aliases ?? []) {
      const owner = aliasOwners.get(aliasKey(alias));
      if (owner !== undefined) warn(`old URL ${alias} is also claimed by ${owner}; it redirects to only one`);
      else aliasOwners.set(aliasKey(alias), file);
    }
  }

  const published = posts.filter((post) => !post.draft);
  const tags = new Set(published.filter((p) => p.kind !== 'page').flatMap((post) => post.tags.map(tagKey)));
  return {
    lines,
    posts: published.filter((post) => post.kind !== 'page').length,
    pages: published.filter((post) => post.kind === 'page').length,
    drafts: posts.length - published.length,
    tags: tags.size,
    staticFiles: existsSync(staticRoot) ? countFiles(staticRoot) : undefined,
    scheduled: published
      .filter((post) => post.kind !== 'page' && post.date.getTime() > now)
      .sort((a, b) => +a.date - +b.date)
      .map((post) => ({ file: rel(post.file), date: post.date })),
  };
}

/** Image and media URLs of a post: markdown images, raw HTML `src`/`poster`, and the front matter image. */
function mediaUrls(post: Post): string[] {
  const urls: string[] = post.image === undefined ? [] : [post.image];
  const walk = (tokens: ReturnType<MarkdownIt['parse']>) => {
    for (const token of tokens) {
      if (token.type === 'image') urls.push(token.attrGet('src') ?? '');
      if (token.type === 'html_block' || token.type === 'html_inline') {
        for (const [tag] of token.content.matchAll(MEDIA_TAG)) {
          for (const match of tag.matchAll(MEDIA_ATTR)) urls.push(match[1] ?? '');
        }
      }
      if (token.children) walk(token.children);
    }
  };
  walk(tokenizer.parse(post.markdown, {}));
  return urls.filter((url) => url !== '');
}

function checkMediaUrl(url: string, post: Post, staticRoot: string, staticDir: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//') || url.startsWith('#')) return undefined;
  const path = safeDecode(url.split(/[?#]/)[0] ?? '');
  const own = `/post/${post.slug}/`;
  if (post.bundleDir !== undefined && (!path.startsWith('/') || path.startsWith(own))) {
    const target = resolve(post.bundleDir, path.startsWith(own) ? path.slice(own.length) : path);
    if (!isInside(target, post.bundleDir)) return `image link ${url} leaves the bundle folder`;
    return isFile(target) ? undefined : `missing file ${url} (not in the bundle folder ${basename(post.bundleDir)}/)`;
  }
  if (!path.startsWith('/')) {
    return `broken relative link ${url}: only a page bundle (posts/<name>/index.md) resolves relative links; put the file in the static folder and link /${path.replace(/^(\.\/)+/, '')}`;
  }
  const target = join(staticRoot, path);
  if (!isInside(target, staticRoot)) return `image link ${url} leaves the static folder`;
  return isFile(target) ? undefined : `missing file ${url} (not in the static folder ${staticDir})`;
}

function isInside(target: string, folder: string): boolean {
  const inside = relative(resolve(folder), target);
  return inside !== '' && !inside.startsWith('..') && !inside.startsWith(sep) && dirname(target) !== target;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Files the static folder would serve: dotfiles and dot-folders never are. */
function countFiles(dir: string): number {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) count += countFiles(join(dir, entry.name));
    else if (entry.isFile()) count++;
  }
  return count;
}

/** The report as lines for a terminal: one per finding, then the summary. */
export function formatCheckReport(report: CheckReport, postsDir: string, staticDir: string): string {
  const out = report.lines.map((line) => `${line.kind.padEnd(8)} ${line.file}: ${line.message}\n`);
  for (const { file, date } of report.scheduled ?? [])
    out.push(`scheduled ${file}: goes up at ${date.toISOString()}\n`);
  const skipped = report.lines.filter((line) => line.kind === 'skipped').length;
  const warnings = report.lines.filter((line) => line.kind === 'warning').length;
  const statics =
    report.staticFiles === undefined
      ? `no static folder at ${staticDir}`
      : `${report.staticFiles} static files in ${staticDir}`;
  out.push(
    `${postsDir}: ${report.posts} posts, ${report.pages} pages, ${report.drafts} drafts, ${report.tags} tags, ${statics}; ${skipped} skipped, ${warnings} warnings\n`,
  );
  return out.join('');
}
